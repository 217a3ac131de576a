package io.raftkv.raft.message;

/**
 * A request for a vote (§5.2), or for a pre-vote (thesis §9.6) when {@code preVote} is set.
 *
 * <p>A pre-vote carries the term the candidate would campaign in ({@code its term + 1}) without the
 * candidate having moved to it.
 *
 * @param lastLogIndex       index of the candidate's last log entry (§5.4.1)
 * @param lastLogTerm        term of the candidate's last log entry (§5.4.1)
 * @param preVote            whether this is a pre-vote
 * @param leadershipTransfer whether the campaign was started by a leadership transfer (thesis
 *                           §3.10), in which case receivers must not ignore it because they still
 *                           hear from the current leader (thesis §4.2.3)
 */
public record RequestVote(
    int from,
    int to,
    long term,
    long lastLogIndex,
    long lastLogTerm,
    boolean preVote,
    boolean leadershipTransfer)
    implements Message {}
