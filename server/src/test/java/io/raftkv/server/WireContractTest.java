package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.Role;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The server's reading of the v1 enums, including what clients from before their change send. */
class WireContractTest {
  @Test
  void everyConsistencyButSerializableIsLinearizable() throws Exception {
    assertTrue(LocalRequests.linearizable(ReadConsistency.READ_CONSISTENCY_UNSPECIFIED));
    assertTrue(LocalRequests.linearizable(ReadConsistency.LINEARIZABLE));
    assertFalse(LocalRequests.linearizable(ReadConsistency.SERIALIZABLE));
    // An older client's LINEARIZABLE was 0: on the wire, the field is absent (or 0 if it wrote it).
    assertTrue(LocalRequests.linearizable(oldGet(-1).getConsistency()));
    assertTrue(LocalRequests.linearizable(oldGet(0).getConsistency()));
    assertFalse(LocalRequests.linearizable(oldGet(1).getConsistency()));
    // A value from a newer client this server does not know: served the safe way.
    GetRequest unknown = oldGet(9);
    assertEquals(ReadConsistency.UNRECOGNIZED, unknown.getConsistency());
    assertTrue(LocalRequests.linearizable(unknown.getConsistency()));
  }

  @Test
  void theZeroValuesAreUnspecified() {
    assertEquals(0, ReadConsistency.READ_CONSISTENCY_UNSPECIFIED.getNumber());
    assertEquals(1, ReadConsistency.SERIALIZABLE.getNumber()); // unchanged: older servers read it
    assertEquals(0, Role.ROLE_UNSPECIFIED.getNumber());
  }

  @Test
  void everyCoreRoleHasItsWireRoleOfTheSameName() {
    for (io.raftkv.raft.Role r : io.raftkv.raft.Role.values()) {
      assertEquals(r.name(), ClusterStatus.role(r).name());
    }
  }

  /** A GetRequest as a client from before READ_CONSISTENCY_UNSPECIFIED encodes it. */
  private static GetRequest oldGet(int consistency) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeBytes(2, ByteString.copyFromUtf8("k"));
    if (consistency >= 0) {
      out.writeEnum(3, consistency);
    }
    out.flush();
    return GetRequest.parseFrom(bytes.toByteArray());
  }
}
