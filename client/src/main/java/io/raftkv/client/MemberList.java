package io.raftkv.client;

import java.util.List;
import java.util.Map;

/**
 * The configuration in force on the leader ({@link RaftKvClient#memberList()}).
 *
 * @param configIndex the log index of the configuration entry in force (0: the bootstrap
 *     configuration, before the first leader wrote it to the log); pass it as the expected
 *     configuration index to change membership only if nobody else changed it since
 * @param configCommitted whether that configuration is committed (a change is accepted only then)
 * @param members the members, voters and learners
 * @param matchIndex the last log index the leader knows each other member holds, by id
 * @param leaderLastIndex the leader's last log index, to compare with {@code matchIndex}
 * @param leaderId the leader that answered (0 if the answer names none)
 */
public record MemberList(long configIndex, boolean configCommitted, List<ClusterMember> members,
    Map<Integer, Long> matchIndex, long leaderLastIndex, int leaderId) {

  /** Copies the collections. */
  public MemberList {
    members = List.copyOf(members);
    matchIndex = Map.copyOf(matchIndex);
  }

  /** How many entries member {@code id} is behind the leader, if the leader reports its match. */
  public java.util.OptionalLong lag(int id) {
    Long match = matchIndex.get(id);
    return match == null ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(Math.max(0, leaderLastIndex - match));
  }
}
