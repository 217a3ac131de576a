package io.raftkv.trace.render;

/**
 * A client operation as the trace names it: the kvslib's client id and its OpId. Every event
 * whose fields hold this {@code clientId} and {@code opId} belongs to the operation.
 */
public record OperationRef(String clientId, long opId) {

  /** Validates the parts: a non-empty client id. */
  public OperationRef {
    if (clientId == null || clientId.isEmpty()) {
      throw new IllegalArgumentException("operation: empty clientId");
    }
  }

  /**
   * Parses {@code clientId:opId}, e.g. {@code client1:5}. The client id is everything before
   * the last colon.
   *
   * @throws IllegalArgumentException naming the problem if the text is not of that form
   */
  public static OperationRef parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "operation '" + text + "': expected clientId:opId, e.g. client1:5");
    }
    long opId;
    try {
      opId = Long.parseLong(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "operation '" + text + "': opId '" + text.substring(colon + 1) + "' is not a number");
    }
    return new OperationRef(text.substring(0, colon), opId);
  }

  /** The {@code clientId:opId} form {@link #parse} reads. */
  @Override
  public String toString() {
    return clientId + ":" + opId;
  }
}
