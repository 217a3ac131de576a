package io.raftkv.client;

import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.LeaderTransferResponse;
import io.raftkv.api.v1.MemberChangeResponse;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.StatusResponse;

/** The leader an answer names, whatever the answer's type. */
final class ResponseHeaders {
  private ResponseHeaders() {}

  /** The id of the leader that ordered {@code answer} (0 if it names none or has no header). */
  static int leaderOf(Object answer) {
    if (answer instanceof PutResponse p) {
      return p.getHeader().getLeaderId();
    }
    if (answer instanceof GetResponse g) {
      return g.getHeader().getLeaderId();
    }
    if (answer instanceof DeleteResponse d) {
      return d.getHeader().getLeaderId();
    }
    if (answer instanceof MemberListResponse l) {
      return l.getHeader().getLeaderId();
    }
    if (answer instanceof MemberChangeResponse c) {
      return c.getHeader().getLeaderId();
    }
    if (answer instanceof LeaderTransferResponse t) {
      return t.getHeader().getLeaderId();
    }
    if (answer instanceof StatusResponse s) {
      return s.getLeaderId();
    }
    return 0;
  }
}
