package io.raftkv.server;

import java.io.IOException;

/**
 * An address of this server cannot be bound (usually: another process listens on the port). Found
 * before the server touches its data directory; the message is one line naming the address, what
 * it was for, and the holder's pid if it could be found.
 */
public final class PortInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  PortInUseException(String message) {
    super(message);
  }
}
