package io.raftkv.server;

/**
 * A client's request breaks a documented rule (key or value size, an empty key, op id 0): it is
 * answered INVALID_ARGUMENT and nothing is applied. Only the checks of a request's fields throw
 * it, so an {@link IllegalArgumentException} from anywhere else (a coding error) is not passed
 * off as the client's fault.
 */
final class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidRequestException(IllegalArgumentException cause) {
    super(cause.getMessage(), cause, false, false);
  }

  /** A broken rule the check found itself, said in one line. */
  InvalidRequestException(String problem) {
    super(problem, null, false, false);
  }
}
