package io.raftkv.cli;

/**
 * A key-value command's failure, as the one line it prints and its exit code. The codes are the
 * ones {@code raftkv --help} and the README list.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The command did what it was asked. */
  static final int OK = 0;
  /** The key does not exist ({@code get}, {@code delete}). */
  static final int NOT_FOUND = 1;
  /** Bad options or arguments, a bad server list or cluster file: nothing was sent. */
  static final int USAGE = 2;
  /** No server answered in time (down, unreachable, no leader): a write may have been applied. */
  static final int UNAVAILABLE = 3;
  /** A server refused the request (too large, not a RaftKV server...): nothing was applied. */
  static final int REFUSED = 4;
  /** A bug: the CLI failed in a way it does not expect. */
  static final int INTERNAL = 5;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
