package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Member;
import io.raftkv.raft.MemberRole;
import org.junit.jupiter.api.Test;

class MemberAddressesTest {
  @Test
  void roundTripsIpv4AndIpv6() {
    MemberAddresses a = new MemberAddresses(HostPort.parse("10.0.0.4:7101"),
        HostPort.parse("[::1]:7001"));
    assertEquals("peer=10.0.0.4:7101,client=[::1]:7001", a.encode());
    assertEquals(a, MemberAddresses.decode(a.encode()));
  }

  @Test
  void refusesMalformedTextInOneLine() {
    for (String bad : new String[] {"", "10.0.0.4:7101", "client=a:1,peer=b:2",
        "peer=a:1,client=", "peer=a,client=b:2", "peer=a:1,client=b:99999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> MemberAddresses.decode(bad), bad);
      assertTrue(!e.getMessage().contains("\n") && !e.getMessage().isEmpty(), e.getMessage());
    }
  }

  @Test
  void aMemberWithoutReadableAddressesHasNone() {
    assertNull(MemberAddresses.of(new Member(3, MemberRole.VOTER, "", false)));
    assertEquals(7001, MemberAddresses.of(new Member(3, MemberRole.VOTER,
        "peer=h:7101,client=h:7001", false)).client().port());
  }
}
