package io.raftkv.trace.render;

/**
 * How the diagram is laid out on the page and coloured: the geometry (the HTML page's script gets
 * the same numbers in its JSON, so both outputs agree) and the colour family of each action.
 */
final class Look {
  static final int LEFT = 16;
  static final int TOP = 56;
  static final int COLUMN_WIDTH = 190;
  static final int ROW_HEIGHT = 24;
  static final int DOT_OFFSET = 24;
  static final int RADIUS = 5;
  static final int BOTTOM = 24;
  /** Label start right of the dot's centre: room for an arrowhead arriving from the right. */
  static final int LABEL_OFFSET = 16;

  private Look() {
  }

  static int x(int column) {
    return LEFT + column * COLUMN_WIDTH + DOT_OFFSET;
  }

  static int y(int row) {
    return TOP + ROW_HEIGHT / 2 + row * ROW_HEIGHT;
  }

  static int width(int columns) {
    return LEFT * 2 + columns * COLUMN_WIDTH;
  }

  static int height(int rows) {
    return TOP + rows * ROW_HEIGHT + BOTTOM;
  }

  /**
   * The colour family of an action: {@code op} (client operations), {@code append} (log
   * replication), {@code vote} (elections), {@code commit} (Commit, Apply), {@code life}
   * (start, stop, connections).
   */
  static String family(String action) {
    if (action.startsWith("Get") || action.startsWith("Put") || action.equals("RaftPutReq")) {
      return "op";
    }
    if (action.startsWith("AppendEntries")) {
      return "append";
    }
    if (action.startsWith("RequestVote") || action.equals("LeaderElected")) {
      return "vote";
    }
    if (action.equals("Commit") || action.equals("Apply")) {
      return "commit";
    }
    return "life";
  }
}
