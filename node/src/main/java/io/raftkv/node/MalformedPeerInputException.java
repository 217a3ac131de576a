package io.raftkv.node;

/**
 * A peer sent a message no correct peer could send (damaged in transit, a buggy or hostile
 * peer). The message was dropped; the node is unharmed. Distinct from a coding error, which
 * stops the node.
 */
public final class MalformedPeerInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedPeerInputException(String why, IllegalArgumentException cause) {
    super(why, cause, false, false);
  }
}
