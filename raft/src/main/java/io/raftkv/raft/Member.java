package io.raftkv.raft;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One member of a {@link Membership}.
 *
 * @param id          the member's node id, positive
 * @param role        voter or learner
 * @param address     where peers reach it (opaque to the core, carried in configuration entries so
 *                    every node learns new members' addresses from the log, never from a second
 *                    list); may be empty when the caller has none (tests, the simulator)
 * @param autoPromote for a learner: the leader promotes it by itself once it has caught up
 */
public record Member(int id, MemberRole role, String address, boolean autoPromote) {

  /** The longest address accepted, in UTF-8 bytes. */
  public static final int MAX_ADDRESS_BYTES = 1024;

  public Member {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(address, "address");
    if (id <= 0) {
      throw new IllegalArgumentException("member id must be positive, got " + id);
    }
    if (address.getBytes(StandardCharsets.UTF_8).length > MAX_ADDRESS_BYTES) {
      throw new IllegalArgumentException("member " + id + "'s address is longer than "
          + MAX_ADDRESS_BYTES + " bytes");
    }
    if (role == MemberRole.VOTER) {
      autoPromote = false; // only a learner can be promoted
    }
  }

  public boolean isVoter() {
    return role == MemberRole.VOTER;
  }

  /** This member with another role. */
  Member withRole(MemberRole newRole) {
    return new Member(id, newRole, address, autoPromote && newRole == MemberRole.LEARNER);
  }

  @Override
  public String toString() {
    return (role == MemberRole.VOTER ? "v" : "l") + id + (autoPromote ? "+" : "")
        + (address.isEmpty() ? "" : "@" + address);
  }
}
