package io.raftkv.client;

import io.grpc.Status;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the reasons the Cluster API puts at the start of an error's description, and the
 * UNAVAILABLE answer of a server that was removed from the cluster.
 */
final class ClusterReasons {
  private static final Pattern REMOVED = Pattern.compile("(?s)(REMOVED\\b|node \\d+ was removed).*");

  private ClusterReasons() {}

  /** The reason {@code status}'s description starts with, if it names one. */
  static Optional<MembershipException.Reason> of(Status status) {
    String description = status.getDescription();
    if (description == null) {
      return Optional.empty();
    }
    for (MembershipException.Reason reason : MembershipException.Reason.values()) {
      String name = reason.name();
      if (description.startsWith(name) && (description.length() == name.length()
          || !Character.isLetterOrDigit(description.charAt(name.length()))
              && description.charAt(name.length()) != '_')) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code status} is a server saying it is no longer a member of the cluster. */
  static boolean saysRemoved(Status status) {
    String description = status.getDescription();
    return status.getCode() == Status.Code.UNAVAILABLE && description != null
        && REMOVED.matcher(description).matches();
  }

  /** Whether the cluster asks to retry the same server shortly (a change under way). */
  static boolean changeInProgress(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE
        && of(status).orElse(null) == MembershipException.Reason.CHANGE_IN_PROGRESS;
  }
}
