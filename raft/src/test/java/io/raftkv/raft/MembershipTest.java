package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoding, decoding and single-server changes of a {@link Membership} (thesis §4.1). */
class MembershipTest {

  private static Membership sample() {
    return Membership.of(7, List.of(
        new Member(1, MemberRole.VOTER, "a:1", false),
        new Member(2, MemberRole.VOTER, "", false),
        new Member(4, MemberRole.LEARNER, "héllo:4", true)));
  }

  @Test
  void encodeDecodeRoundTrips() {
    Membership m = sample();
    Membership back = Membership.decode(7, m.encode());
    assertEquals(m, back);
    assertArrayEquals(new int[] {1, 2}, back.voters());
    assertEquals(List.of(4), back.learners());
    assertTrue(back.member(4).autoPromote());
    assertEquals("héllo:4", back.member(4).address());
  }

  @Test
  void decodeRefusesBadBytesWithAClearReason() {
    byte[] good = sample().encode();
    assertBad("truncated", Arrays.copyOf(good, good.length - 1));
    assertBad("truncated", new byte[0]);
    byte[] format = good.clone();
    format[0] = 9;
    assertBad("unknown configuration format 9", format);
    byte[] trailing = Arrays.copyOf(good, good.length + 2);
    assertBad("2 trailing bytes", trailing);
    byte[] role = good.clone();
    role[1 + 4 + 4] = 5; // first member's role byte
    assertBad("unknown member role 5", role);
    byte[] count = good.clone();
    count[1] = 0x7f; // member count far beyond MAX_MEMBERS
    assertBad("out of range", count);
    // learners only: a configuration must have a voter
    byte[] noVoter = Membership.of(3, List.of(new Member(5, MemberRole.LEARNER, "", false)))
        .encode();
    assertBad("no voter", noVoter);
    // the same id twice
    byte[] twice = Membership.of(3, List.of(new Member(5, MemberRole.VOTER, "", false))).encode();
    byte[] dup = new byte[1 + 4 + 2 * (twice.length - 5)];
    dup[0] = 1;
    dup[4] = 2;
    System.arraycopy(twice, 5, dup, 5, twice.length - 5);
    System.arraycopy(twice, 5, dup, 5 + twice.length - 5, twice.length - 5);
    assertBad("appears twice", dup);
  }

  private static void assertBad(String reason, byte[] data) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Membership.decode(9, data));
    assertTrue(e.getMessage().startsWith("invalid configuration entry at 9"), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void applyEachChange() {
    Membership m = sample();
    Membership added = m.apply(ConfChange.addLearner(5, "e:5", false, 7), 8);
    assertEquals(8, added.index());
    assertTrue(added.isLearner(5));
    assertEquals(2, added.voterCount());
    Membership promoted = m.apply(ConfChange.promote(4, 7), 8);
    assertTrue(promoted.isVoter(4));
    assertFalse(promoted.member(4).autoPromote(), "a voter carries no auto-promote flag");
    Membership demoted = promoted.apply(ConfChange.demote(1, 8), 9);
    assertTrue(demoted.isLearner(1));
    assertEquals("a:1", demoted.member(1).address());
    Membership removed = m.apply(ConfChange.remove(4, 7), 8);
    assertFalse(removed.contains(4));
    assertEquals(7, m.index(), "apply leaves the original unchanged");
    assertTrue(m.isLearner(4));
  }

  @Test
  void applyRefusesChangesThatDoNotFit() {
    Membership m = sample();
    assertRefused(m, ConfChange.addLearner(2, "", false, -1), "already a member");
    assertRefused(m, ConfChange.promote(1, -1), "already a voter");
    assertRefused(m, ConfChange.promote(9, -1), "not a member");
    assertRefused(m, ConfChange.demote(4, -1), "is not a voter");
    assertRefused(m, ConfChange.remove(9, -1), "is not a member");
    Membership one = Membership.ofVoters(List.of(1));
    assertRefused(one, ConfChange.remove(1, -1), "last voter");
    assertRefused(one, ConfChange.demote(1, -1), "last voter");
  }

  private static void assertRefused(Membership m, ConfChange c, String reason) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.apply(c, 10));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }
}
