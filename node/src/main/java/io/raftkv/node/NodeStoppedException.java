package io.raftkv.node;

/**
 * The node stopped (shut down, or failed fast) before it could answer. A write asked of it may
 * or may not have taken effect: retry it, with the same op id, on another server.
 */
public final class NodeStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NodeStoppedException(String why) {
    super(why, null, false, false);
  }
}
