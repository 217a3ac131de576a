package io.raftkv.client;

import io.raftkv.api.v1.RequestHeader;
import java.util.function.Consumer;

/**
 * Where one operation's request header, its (client_id, op_id), comes from: reads carry a fixed
 * header, writes borrow a {@link WriteSessions} session for as long as they run.
 */
interface OpIdentity {

  /** Calls {@code ready} with the header, now or once a session is free. */
  void acquire(Consumer<RequestHeader> ready);

  /**
   * A header on a fresh session after the servers refused the current one as unknown before this
   * operation could have been applied; null if that cannot be the reason (the refusal is final).
   */
  RequestHeader renew();

  /** Gives back what {@link #acquire} took; idempotent, and safe before acquire completed. */
  void release();

  /**
   * The servers refused the operation as invalid (INVALID_ARGUMENT: checked before anything is
   * proposed, the same on every attempt), so it was never applied and its op id was never used:
   * the session's next write may take it. Without this, a session whose first write was refused
   * would go on at op 2, which the servers refuse for a session they never opened.
   */
  default void refusedUnapplied() {}

  /** A fixed header: reads and status calls, which the servers do not track in sessions. */
  static OpIdentity fixed(RequestHeader header) {
    return new OpIdentity() {
      @Override
      public void acquire(Consumer<RequestHeader> ready) {
        ready.accept(header);
      }

      @Override
      public RequestHeader renew() {
        return null;
      }

      @Override
      public void release() {}
    };
  }

  /** A write's identity: a session borrowed from {@code pool}. */
  static OpIdentity write(WriteSessions pool) {
    return new WriteIdentity(pool);
  }
}
