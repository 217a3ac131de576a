package io.raftkv.trace.render;

import java.util.List;
import java.util.Optional;

/**
 * What to draw of a run.
 *
 * @param operation the operation to highlight, if any; it must occur in the run
 * @param fromPosition the first event to draw, by position in the run's topological order
 *     (0-based, counted over the whole run before any other filter)
 * @param toPosition the first position NOT drawn (exclusive); {@code Integer.MAX_VALUE}: to the end
 * @param hideHeartbeats leave out AppendEntries / AppendEntriesRecv / AppendEntriesRes of
 *     heartbeats (no entries)
 * @param hosts the hosts (columns) to draw, in any order; empty: all hosts of the run
 */
public record RenderOptions(Optional<OperationRef> operation, int fromPosition, int toPosition,
    boolean hideHeartbeats, List<String> hosts) {

  /** Validates: a window that is not empty and not negative. */
  public RenderOptions {
    if (operation == null || hosts == null) {
      throw new NullPointerException("operation and hosts must not be null (use empty)");
    }
    if (fromPosition < 0) {
      throw new IllegalArgumentException("--from " + fromPosition + ": must be 0 or more");
    }
    if (toPosition <= fromPosition) {
      throw new IllegalArgumentException("--to " + toPosition + " must be greater than --from "
          + fromPosition + " (the window is [from, to), positions in topological order)");
    }
    hosts = List.copyOf(hosts);
  }

  /** Everything: no highlight, no window, heartbeats shown, all hosts. */
  public static RenderOptions all() {
    return new RenderOptions(Optional.empty(), 0, Integer.MAX_VALUE, false, List.of());
  }

  /** A copy that highlights {@code op}. */
  public RenderOptions withOperation(OperationRef op) {
    return new RenderOptions(Optional.of(op), fromPosition, toPosition, hideHeartbeats, hosts);
  }

  /** A copy that draws only positions {@code [from, to)}. */
  public RenderOptions withWindow(int from, int to) {
    return new RenderOptions(operation, from, to, hideHeartbeats, hosts);
  }

  /** A copy with heartbeats hidden or shown. */
  public RenderOptions withHideHeartbeats(boolean hide) {
    return new RenderOptions(operation, fromPosition, toPosition, hide, hosts);
  }

  /** A copy that draws only {@code selected} hosts. */
  public RenderOptions withHosts(List<String> selected) {
    return new RenderOptions(operation, fromPosition, toPosition, hideHeartbeats, selected);
  }
}
