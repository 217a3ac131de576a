package io.raftkv.trace.render;

/**
 * What a rendering drew.
 *
 * @param totalEvents events in the run
 * @param shownEvents events drawn (after window, host filter and heartbeats)
 * @param hosts columns drawn
 * @param arrows message arrows drawn
 * @param heartbeatsHidden heartbeat events left out (0 unless asked to hide them)
 * @param highlightedEvents events of the highlighted operation that are drawn
 * @param fromPosition first position of the window
 * @param toPosition first position after the window (exclusive), at most totalEvents
 */
public record RenderSummary(int totalEvents, int shownEvents, int hosts, int arrows,
    int heartbeatsHidden, int highlightedEvents, int fromPosition, int toPosition) {

  /** One line, e.g. {@code 120 of 400 events (positions 0..119), 5 hosts, 88 arrows}. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(shownEvents).append(" of ").append(totalEvents).append(" events");
    if (fromPosition > 0 || toPosition < totalEvents) {
      sb.append(" (positions ").append(fromPosition).append("..").append(toPosition - 1)
          .append(')');
    }
    sb.append(", ").append(hosts).append(hosts == 1 ? " host, " : " hosts, ").append(arrows)
        .append(arrows == 1 ? " arrow" : " arrows");
    if (heartbeatsHidden > 0) {
      sb.append(", ").append(heartbeatsHidden).append(" heartbeat events hidden");
    }
    if (highlightedEvents > 0) {
      sb.append(", ").append(highlightedEvents).append(" events highlighted");
    }
    return sb.toString();
  }
}
