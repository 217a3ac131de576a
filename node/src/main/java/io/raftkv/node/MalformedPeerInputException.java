package io.raftkv.node;

/**
 * A peer sent a message no correct peer could send (damaged in transit, a buggy or hostile
 * peer). The message was dropped; the node is unharmed. Distinct from a coding error, which
 * stops the node.
 */
public final class MalformedPeerInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Input a decoder refused by its own check (a missing field, an id of 0...). */
  public MalformedPeerInputException(String why) {
    super(why, null, false, false);
  }

  /** Input the Raft core's validation refused with {@code cause}. */
  public MalformedPeerInputException(String why, IllegalArgumentException cause) {
    super(why, cause, false, false);
  }
}
