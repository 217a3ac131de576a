package io.raftkv.raft;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Everything a {@link RaftNode} is told at construction. Times are in ticks: the caller decides
 * how long a tick is (the server uses tens of milliseconds; the simulator uses simulated time).
 *
 * @param id                         this node's id, positive
 * @param voters                     the bootstrap configuration's voters, including {@code id}, used
 *                                   only until the log or a snapshot holds a configuration; empty
 *                                   for a node joining an existing cluster
 * @param electionTimeoutTicks       base election timeout; the actual one is drawn uniformly from
 *                                   [base, 2 × base) each time it is reset (§5.2)
 * @param heartbeatIntervalTicks     how often a leader heartbeats an idle follower; must be smaller
 *                                   than the election timeout
 * @param preVote                    run a PreVote phase before a real election (thesis §9.6)
 * @param checkQuorum                a leader steps down if a quorum has not answered within an
 *                                   election timeout, and followers that hear from a leader ignore
 *                                   vote requests (thesis §4.2.3, §6.2)
 * @param maxEntriesPerMessage       at most this many entries in one AppendEntries
 * @param maxBytesPerMessage         at most this many entry bytes in one AppendEntries (one entry
 *                                   is always allowed, whatever its size)
 * @param maxInflightMessages        AppendEntries in flight to one follower in replicate mode
 * @param maxInflightBytes           entry bytes in flight to one follower in replicate mode
 * @param maxUncommittedBytes        a leader refuses proposals while this many proposed bytes are
 *                                   not yet committed (back-pressure); 0 means no limit
 * @param maxCommittedBytesPerReady  at most this many entry bytes handed out to apply in one Ready
 *                                   (one entry is always allowed)
 * @param learnerCatchUpEntries      a learner may be promoted only once its log is within this
 *                                   many entries of the leader's (and holds the latest
 *                                   configuration entry)
 * @param random                     source of election-timeout randomness; seeded in simulation
 * @param injectedBugs               rules switched off on purpose by tests ({@link InjectedBug});
 *                                   empty everywhere else
 */
public record RaftConfig(
    int id,
    List<Integer> voters,
    int electionTimeoutTicks,
    int heartbeatIntervalTicks,
    boolean preVote,
    boolean checkQuorum,
    int maxEntriesPerMessage,
    long maxBytesPerMessage,
    int maxInflightMessages,
    long maxInflightBytes,
    long maxUncommittedBytes,
    long maxCommittedBytesPerReady,
    long learnerCatchUpEntries,
    RandomGenerator random,
    Set<InjectedBug> injectedBugs) {

  /** The id meaning "no node" (no vote, no known leader). */
  public static final int NONE = 0;

  /**
   * The largest term a node accepts or reaches. Terms are uint64 on the wire, and a term rises by
   * one per election (§5.2), so a correct cluster electing once a millisecond would need 146
   * million years to get here; a message beyond it is malformed (it could only come from damage or
   * a forged peer), and the arithmetic {@code term + 1} can never overflow.
   */
  public static final long MAX_TERM = 1L << 62;

  /**
   * How far above the receiver's term a message's term may be. A node that was cut off for a day
   * with PreVote off, campaigning every 100 ms, is about 10^6 terms ahead; 2^32 is 4,000 times
   * more. A larger jump is refused as malformed, so one forged message cannot carry a cluster to
   * {@link #MAX_TERM} (where it could elect no leader): it would take 2^30 of them. Only members can
   * send at all once peer traffic is authenticated (mutual TLS).
   */
  public static final long MAX_TERM_JUMP = 1L << 32;

  /** The largest log index a message may name (uint64 on the wire; see {@link #MAX_TERM}). */
  public static final long MAX_INDEX = 1L << 62;

  public RaftConfig {
    Objects.requireNonNull(voters, "voters");
    Objects.requireNonNull(random, "random");
    voters = List.copyOf(voters);
    injectedBugs = injectedBugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(injectedBugs));
    require(id > 0, "id must be positive, got " + id);
    require(voters.isEmpty() || voters.contains(id),
        "voters " + voters + " must contain this node's id " + id
            + " (or be empty: a node joining an existing cluster)");
    require(voters.stream().allMatch(v -> v > 0), "voter ids must be positive: " + voters);
    require(voters.stream().distinct().count() == voters.size(), "duplicate voter id: " + voters);
    require(electionTimeoutTicks > 1, "electionTimeoutTicks must be > 1");
    require(heartbeatIntervalTicks > 0, "heartbeatIntervalTicks must be > 0");
    require(
        heartbeatIntervalTicks < electionTimeoutTicks,
        "heartbeatIntervalTicks (" + heartbeatIntervalTicks
            + ") must be smaller than electionTimeoutTicks (" + electionTimeoutTicks + ")");
    require(maxEntriesPerMessage > 0, "maxEntriesPerMessage must be > 0");
    require(maxBytesPerMessage > 0, "maxBytesPerMessage must be > 0");
    require(maxInflightMessages > 0, "maxInflightMessages must be > 0");
    require(maxInflightBytes > 0, "maxInflightBytes must be > 0");
    require(maxUncommittedBytes >= 0, "maxUncommittedBytes must be >= 0");
    require(maxCommittedBytesPerReady > 0, "maxCommittedBytesPerReady must be > 0");
    require(learnerCatchUpEntries >= 0, "learnerCatchUpEntries must be >= 0");
  }

  /**
   * A configuration with the defaults used by the server: election timeout 10 ticks, heartbeat 2,
   * PreVote and CheckQuorum on, 256 entries or 1 MiB per message, 64 messages or 16 MiB in flight,
   * 64 MiB uncommitted, 16 MiB applied per Ready, learners promoted within 1,000 entries.
   */
  public static RaftConfig defaults(int id, List<Integer> voters, RandomGenerator random) {
    return new RaftConfig(id, voters, 10, 2, true, true, 256, 1 << 20, 64, 16L << 20, 64L << 20,
        16L << 20, 1000, random, Set.of());
  }

  /** A copy with another catch-up bound for promoting learners. */
  public RaftConfig withLearnerCatchUpEntries(long entries) {
    return new RaftConfig(id, voters, electionTimeoutTicks, heartbeatIntervalTicks, preVote,
        checkQuorum, maxEntriesPerMessage, maxBytesPerMessage, maxInflightMessages,
        maxInflightBytes, maxUncommittedBytes, maxCommittedBytesPerReady, entries, random,
        injectedBugs);
  }

  /** A copy with rules switched off on purpose (tests only: {@link InjectedBug}). */
  public RaftConfig withInjectedBugs(Set<InjectedBug> bugs) {
    return new RaftConfig(id, voters, electionTimeoutTicks, heartbeatIntervalTicks, preVote,
        checkQuorum, maxEntriesPerMessage, maxBytesPerMessage, maxInflightMessages,
        maxInflightBytes, maxUncommittedBytes, maxCommittedBytesPerReady, learnerCatchUpEntries,
        random, bugs);
  }

  boolean bug(InjectedBug b) {
    return injectedBugs.contains(b);
  }

  /** A copy with other election and heartbeat timeouts. */
  public RaftConfig withTimeouts(int electionTicks, int heartbeatTicks) {
    return new RaftConfig(id, voters, electionTicks, heartbeatTicks, preVote, checkQuorum,
        maxEntriesPerMessage, maxBytesPerMessage, maxInflightMessages, maxInflightBytes,
        maxUncommittedBytes, maxCommittedBytesPerReady, learnerCatchUpEntries, random,
        injectedBugs);
  }

  /** A copy with PreVote and CheckQuorum set as given. */
  public RaftConfig withPreVoteAndCheckQuorum(boolean pre, boolean check) {
    return new RaftConfig(id, voters, electionTimeoutTicks, heartbeatIntervalTicks, pre, check,
        maxEntriesPerMessage, maxBytesPerMessage, maxInflightMessages, maxInflightBytes,
        maxUncommittedBytes, maxCommittedBytesPerReady, learnerCatchUpEntries, random,
        injectedBugs);
  }

  /** A copy with other flow-control limits. */
  public RaftConfig withFlowControl(
      int entriesPerMessage, long bytesPerMessage, int inflightMessages, long inflightBytes) {
    return new RaftConfig(id, voters, electionTimeoutTicks, heartbeatIntervalTicks, preVote,
        checkQuorum, entriesPerMessage, bytesPerMessage, inflightMessages, inflightBytes,
        maxUncommittedBytes, maxCommittedBytesPerReady, learnerCatchUpEntries, random,
        injectedBugs);
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("invalid Raft configuration: " + problem);
    }
  }
}
