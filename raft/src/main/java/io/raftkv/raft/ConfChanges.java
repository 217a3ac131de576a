package io.raftkv.raft;

import io.raftkv.raft.ProposeResult.Status;

/**
 * The leader's side of single-server membership changes (thesis §4.1-§4.2): which changes it
 * accepts, and promoting caught-up learners by itself when they asked for it.
 *
 * <p>The rules, each against a bug other implementations shipped:
 *
 * <ul>
 *   <li>an entry of the leader's own term must be committed first (Ongaro, raft-dev 2015, "bug in
 *       single-server membership changes": without it a change appended by a leader of a new term
 *       can overlap an uncommitted change of a deposed leader and elect two leaders in one term);
 *   <li>one change at a time: a new one only once the configuration in force is committed (§4.1,
 *       so any two consecutive configurations' majorities overlap);
 *   <li>compare-and-set on the configuration index the caller saw, so two operators (or an
 *       operator and the automatic promotion) cannot both act on the same configuration;
 *   <li>a learner is promoted only once it holds the latest configuration entry and is within
 *       {@link RaftConfig#learnerCatchUpEntries()} of the leader's log (§4.2.1: a new voter that
 *       is far behind would leave the cluster unable to commit until it caught up).
 * </ul>
 */
final class ConfChanges {
  private final Raft raft;
  private final Replicator replicator;

  ConfChanges(Raft raft, Replicator replicator) {
    this.raft = raft;
    this.replicator = replicator;
  }

  /** Proposes {@code change} on a leader; see the class comment for when it is refused. */
  ProposeResult propose(ConfChange change) {
    RaftLog log = raft.log;
    Membership current = log.membership();
    if (replicator.transferee != RaftConfig.NONE || replicator.leaving) {
      return refuse(Status.TRANSFERRING, "a leadership transfer is in progress; retry shortly");
    }
    if (!replicator.committedInCurrentTerm()
        && !raft.config.bug(InjectedBug.CHANGE_BEFORE_TERM_COMMIT)) {
      return refuse(Status.CHANGE_IN_PROGRESS, "the leader has not yet committed an entry of its"
          + " term " + raft.term + " (a change must wait for it); retry shortly");
    }
    if (current.index() > log.committed()) {
      return refuse(Status.CHANGE_IN_PROGRESS, "the configuration at index " + current.index()
          + " is not yet committed (one change at a time); retry shortly");
    }
    if (change.expectedIndex() != ConfChange.ANY_INDEX
        && change.expectedIndex() != current.index()) {
      return refuse(Status.CONFIG_INDEX_MISMATCH, "expected the configuration at index "
          + change.expectedIndex() + " but the one in force is at index " + current.index()
          + ": " + current);
    }
    Membership next;
    try {
      next = current.apply(change, log.lastIndex() + 1);
    } catch (IllegalArgumentException e) {
      return refuse(Status.INVALID_CHANGE, e.getMessage());
    }
    if (change.type() == ConfChange.Type.PROMOTE) {
      String behind = notCaughtUp(change.nodeId(), current);
      if (behind != null) {
        return refuse(Status.LEARNER_NOT_READY, behind);
      }
    }
    long index = replicator.appendConfig(next);
    return ProposeResult.accepted(index, raft.term);
  }

  /** Why learner {@code id} may not be promoted yet, or null if it may. */
  String notCaughtUp(int id, Membership current) {
    Progress pr = replicator.progress(id);
    long last = raft.log.lastIndex();
    if (pr == null) {
      return "learner " + id + " has not answered this leader yet";
    }
    if (pr.rejoinIndex > 0) {
      return "learner " + id + " is rejoining after it lost state";
    }
    if (pr.match < current.index()) {
      return "learner " + id + " does not hold the latest configuration entry (index "
          + current.index() + "; it holds up to " + pr.match + ")";
    }
    if (last - pr.match > raft.config.learnerCatchUpEntries()) {
      return "learner " + id + " holds the log up to " + pr.match + ", " + (last - pr.match)
          + " entries behind the leader's " + last + " (it must be within "
          + raft.config.learnerCatchUpEntries() + ")";
    }
    return null;
  }

  /** Promotes one caught-up learner that asked for it, when no other change is under way. */
  void autoPromote() {
    Membership current = raft.log.membership();
    if (current.index() > raft.log.committed() || !replicator.committedInCurrentTerm()
        || replicator.transferee != RaftConfig.NONE || replicator.leaving) {
      return;
    }
    for (Member m : current.members()) {
      if (m.autoPromote() && !m.isVoter() && notCaughtUp(m.id(), current) == null) {
        propose(ConfChange.promote(m.id(), current.index()));
        return;
      }
    }
  }

  private ProposeResult refuse(Status status, String reason) {
    return ProposeResult.refused(status, raft.id, reason);
  }
}
