package io.raftkv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.Role;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class MemberRolesTest {
  @Test
  void serversFillBothFields() throws Exception {
    MemberStatus m = MemberRoles.set(MemberStatus.newBuilder().setId(3), Role.LEADER).build();
    assertEquals(Role.LEADER, m.getRaftRole());
    // what a client built before raft_role reads: the string, field 4
    assertEquals("LEADER", readStringField4(m.toByteArray()));
    assertTrue(MemberRoles.isLeader(m));
  }

  @Test
  void aStatusFromAnOlderServerHasOnlyTheString() throws Exception {
    // field 1 (id) = 2, field 4 (role) = "CANDIDATE": what a server from before raft_role sent
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt32(1, 2);
    out.writeString(4, "CANDIDATE");
    out.flush();
    MemberStatus m = MemberStatus.parseFrom(bytes.toByteArray());
    assertEquals(Role.ROLE_UNSPECIFIED, m.getRaftRole());
    assertEquals(Role.CANDIDATE, MemberRoles.of(m));
    assertEquals(Role.UNREACHABLE, MemberRoles.of(legacy("UNREACHABLE")));
    assertEquals(Role.ROLE_UNSPECIFIED, MemberRoles.of(legacy("SOMETHING_NEW")));
    assertEquals(Role.ROLE_UNSPECIFIED, MemberRoles.of(MemberStatus.getDefaultInstance()));
  }

  @SuppressWarnings("deprecation")
  private static MemberStatus legacy(String role) {
    return MemberStatus.newBuilder().setRole(role).build();
  }

  private static String readStringField4(byte[] wire) throws Exception {
    com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(wire);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == ((4 << 3) | 2)) {
        return in.readString();
      }
      in.skipField(tag);
    }
    return null;
  }
}
