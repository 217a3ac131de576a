package io.raftkv.trace.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a rendered diagram shows, read from its markup (the DOM chromium dumped or the SVG
 * file): columns, events as {@code host#seq}, arrows as {@code "host#seq -> host#seq"}, and which
 * of them carry the class {@code selected}.
 */
final class Drawing {
  private static final Pattern ERRORS = Pattern.compile("(?s)<pre id=\"errors\"[^>]*>(.*?)</pre>");

  final List<String> columns = new ArrayList<>();
  final Set<String> events = new TreeSet<>();
  final Set<String> arrows = new TreeSet<>();
  final Set<String> selectedEvents = new TreeSet<>();
  final Set<String> selectedArrows = new TreeSet<>();
  final Map<String, Integer> positions = new HashMap<>();
  final int labels;
  final String rendered;
  final String errors;

  Drawing(String markup) {
    Dom dom = new Dom(markup);
    for (Dom.Tag g : dom.all("g", "host")) {
      columns.add(g.attr("data-host"));
    }
    Map<String, String> idOfPosition = new HashMap<>();
    for (Dom.Tag c : dom.all("circle", "ev")) {
      String id = c.attr("data-host") + "#" + c.attr("data-seq");
      if (!events.add(id)) {
        throw new AssertionError("event " + id + " drawn twice");
      }
      idOfPosition.put(c.attr("data-i"), id);
      positions.put(id, Integer.parseInt(c.attr("data-i")));
      if (c.hasClass("selected")) {
        selectedEvents.add(id);
      }
    }
    for (Dom.Tag l : dom.all("line", "msg")) {
      String from = idOfPosition.get(l.attr("data-from"));
      String to = idOfPosition.get(l.attr("data-to"));
      if (from == null || to == null) {
        throw new AssertionError("arrow to or from an event not drawn: " + l.attributes());
      }
      String arrow = from + " -> " + to;
      arrows.add(arrow);
      if (l.hasClass("selected")) {
        selectedArrows.add(arrow);
      }
    }
    labels = dom.all("text", "label").size();
    Dom.Tag body = dom.first("body");
    rendered = body == null ? null : body.attr("data-rendered");
    Matcher m = ERRORS.matcher(markup);
    errors = m.find() ? m.group(1) : null;
  }
}
