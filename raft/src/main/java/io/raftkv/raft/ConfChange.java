package io.raftkv.raft;

import java.util.Objects;

/**
 * A single-server membership change (thesis §4.1, §4.2.1): one member added as a learner,
 * promoted, demoted or removed. One change at a time keeps every two consecutive configurations'
 * majorities overlapping, so no two leaders can be elected in one term across a change.
 *
 * @param type          what to do
 * @param nodeId        the member it concerns
 * @param address       for {@link Type#ADD_LEARNER}: where peers reach the new member; ignored
 *                      otherwise
 * @param autoPromote   for {@link Type#ADD_LEARNER}: let the leader promote the learner by itself
 *                      once it has caught up
 * @param expectedIndex the index of the configuration the caller saw ({@link Membership#index()}):
 *                      the change is refused if another configuration is in force by then
 *                      (compare-and-set); {@link #ANY_INDEX} to apply it to whatever is in force
 */
public record ConfChange(
    Type type, int nodeId, String address, boolean autoPromote, long expectedIndex) {

  /** No compare-and-set: the change applies to the configuration in force, whatever it is. */
  public static final long ANY_INDEX = -1;

  /** The kinds of single-server change. */
  public enum Type { ADD_LEARNER, PROMOTE, DEMOTE, REMOVE }

  public ConfChange {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(address, "address");
    if (nodeId <= 0) {
      throw new IllegalArgumentException("node id must be positive, got " + nodeId);
    }
    if (expectedIndex < ANY_INDEX) {
      throw new IllegalArgumentException("expected configuration index must be >= 0 or ANY_INDEX");
    }
  }

  public static ConfChange addLearner(int id, String address, boolean autoPromote, long expected) {
    return new ConfChange(Type.ADD_LEARNER, id, address, autoPromote, expected);
  }

  public static ConfChange promote(int id, long expected) {
    return new ConfChange(Type.PROMOTE, id, "", false, expected);
  }

  public static ConfChange demote(int id, long expected) {
    return new ConfChange(Type.DEMOTE, id, "", false, expected);
  }

  public static ConfChange remove(int id, long expected) {
    return new ConfChange(Type.REMOVE, id, "", false, expected);
  }

  @Override
  public String toString() {
    return type.name().toLowerCase(java.util.Locale.ROOT) + " " + nodeId
        + (type == Type.ADD_LEARNER && !address.isEmpty() ? "@" + address : "")
        + (autoPromote ? " auto-promote" : "")
        + (expectedIndex == ANY_INDEX ? "" : " if config@" + expectedIndex);
  }
}
