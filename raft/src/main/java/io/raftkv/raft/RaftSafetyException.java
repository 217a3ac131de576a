package io.raftkv.raft;

/**
 * Thrown when a rule Raft depends on for safety would be broken. Such a check is always on; the
 * node must stop, because continuing could make it apply or acknowledge something wrong.
 */
public final class RaftSafetyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public RaftSafetyException(String rule) {
    super("Raft safety rule broken: " + rule);
  }

  /** Throws with the rule when {@code ok} is false. Cheap when it holds. */
  static void check(boolean ok, String rule, Object... args) {
    if (!ok) {
      throw new RaftSafetyException(args.length == 0 ? rule : String.format(rule, args));
    }
  }
}
