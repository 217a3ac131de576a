package io.raftkv.trace;

import java.io.IOException;

/** A trace file that is not in the format {@link TraceLog} describes; the message names file:line. */
public final class TraceFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** @param where {@code file:line}, the message's prefix */
  public TraceFormatException(String where, String problem) {
    super(where + ": " + problem);
  }
}
