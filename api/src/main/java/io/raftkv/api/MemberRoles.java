package io.raftkv.api;

import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.Role;

/**
 * A member's role from a Status answer, from whichever server sent it: the enum
 * {@code raft_role} (field 12) when the server filled it, else the deprecated string
 * {@code role} (field 4), which servers from before {@code raft_role} fill alone.
 */
public final class MemberRoles {
  private MemberRoles() {}

  /**
   * The member's role; {@link Role#ROLE_UNSPECIFIED} if neither field names one this client
   * knows.
   */
  @SuppressWarnings("deprecation") // the string field is the fallback for older servers
  public static Role of(MemberStatus m) {
    if (m.getRaftRole() != Role.ROLE_UNSPECIFIED && m.getRaftRole() != Role.UNRECOGNIZED) {
      return m.getRaftRole();
    }
    try {
      Role r = Role.valueOf(m.getRole());
      return r == Role.UNRECOGNIZED ? Role.ROLE_UNSPECIFIED : r;
    } catch (IllegalArgumentException e) {
      return Role.ROLE_UNSPECIFIED;
    }
  }

  /** Whether the member is the leader, by {@link #of}. */
  public static boolean isLeader(MemberStatus m) {
    return of(m) == Role.LEADER;
  }

  /** Fills both role fields, the enum and the deprecated string, as servers must. */
  @SuppressWarnings("deprecation")
  public static MemberStatus.Builder set(MemberStatus.Builder b, Role role) {
    return b.setRaftRole(role).setRole(role.name());
  }
}
