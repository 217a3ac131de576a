package io.raftkv.client;

import io.grpc.Status;

/** What the client does with a failed attempt, by the status code the contract documents. */
enum Reaction {
  /** The server cannot serve now (no leader, down, too slow): try the next server. */
  FAILOVER,
  /** The server is overloaded: wait and try the same server again. */
  BACKOFF_SAME_SERVER,
  /** The server refused the operation and applied nothing: report it to the caller. */
  DEFINITE;

  /**
   * As {@link #of(Status.Code)}, except that a membership change under way ({@code
   * CHANGE_IN_PROGRESS}) backs off on the same server: the server is fine, the cluster is busy.
   */
  static Reaction of(Status status) {
    return ClusterReasons.changeInProgress(status) ? BACKOFF_SAME_SERVER : of(status.getCode());
  }

  static Reaction of(Status.Code code) {
    switch (code) {
      case INVALID_ARGUMENT:
      case FAILED_PRECONDITION:
      case UNIMPLEMENTED:
        return DEFINITE;
      case RESOURCE_EXHAUSTED:
        return BACKOFF_SAME_SERVER;
      default:
        // UNAVAILABLE, DEADLINE_EXCEEDED and connection failures are what the contract names.
        // Anything else (UNKNOWN, INTERNAL, ABORTED, ...) leaves the outcome unknown too; resending
        // the same (client_id, op_id) is safe because the servers apply it at most once, while
        // reporting a failure could be a lie.
        return FAILOVER;
    }
  }

  /** The exception kind for a definite refusal. */
  static RaftKvException.Kind kindOf(Status.Code code) {
    switch (code) {
      case INVALID_ARGUMENT:
        return RaftKvException.Kind.INVALID_ARGUMENT;
      case FAILED_PRECONDITION:
        return RaftKvException.Kind.FAILED_PRECONDITION;
      default:
        return RaftKvException.Kind.UNSUPPORTED;
    }
  }
}
