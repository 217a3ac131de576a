package io.raftkv.server;

/** A configuration (file or flags) is unusable; the message names every problem and its field. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
