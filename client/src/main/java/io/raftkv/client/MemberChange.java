package io.raftkv.client;

import java.util.List;

/**
 * A committed membership change ({@link RaftKvClient#memberAdd} and the like).
 *
 * @param configIndex the index of the configuration entry that made the change
 * @param members the configuration it set
 * @param leaderId the leader that committed it (0 if the answer names none)
 */
public record MemberChange(long configIndex, List<ClusterMember> members, int leaderId) {

  /** Copies the member list. */
  public MemberChange {
    members = List.copyOf(members);
  }
}
