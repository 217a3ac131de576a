package io.raftkv.raft;

/** The role a node plays in its current term (§5.1, plus the PreVote phase of thesis §9.6). */
public enum Role {
  FOLLOWER,
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
