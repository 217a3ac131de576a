package io.raftkv.trace.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The start tags of a serialized DOM (as chromium --dump-dom prints it, or an SVG file), with
 * their attributes: enough to count and inspect the diagram's elements.
 */
final class Dom {
  private static final Pattern TAG = Pattern.compile("<([a-zA-Z][\\w:-]*)((?:\\s+[^\\s=>/]+(?:=\"[^\"]*\")?)*)\\s*/?>");
  private static final Pattern RAW_TEXT =
      Pattern.compile("(?s)<(script|style)([^>]*)>.*?</\\1>");
  private static final Pattern ATTR = Pattern.compile("([^\\s=]+)(?:=\"([^\"]*)\")?");

  /** One start tag. */
  record Tag(String name, Map<String, String> attributes) {
    String attr(String key) {
      return attributes.get(key);
    }

    Set<String> classes() {
      String c = attributes.get("class");
      return c == null ? Set.of() : new HashSet<>(Arrays.asList(c.trim().split("\\s+")));
    }

    boolean hasClass(String c) {
      return classes().contains(c);
    }
  }

  final List<Tag> tags = new ArrayList<>();

  Dom(String markup) {
    // script and style bodies are text, not markup (page.js mentions tags in its comments)
    Matcher m = TAG.matcher(RAW_TEXT.matcher(markup).replaceAll("<$1$2></$1>"));
    while (m.find()) {
      Map<String, String> attrs = new LinkedHashMap<>();
      Matcher a = ATTR.matcher(m.group(2));
      while (a.find()) {
        attrs.put(a.group(1), a.group(2) == null ? "" : unescape(a.group(2)));
      }
      tags.add(new Tag(m.group(1).toLowerCase(), attrs));
    }
  }

  /** The tags named {@code name} that carry class {@code cls}. */
  List<Tag> all(String name, String cls) {
    List<Tag> result = new ArrayList<>();
    for (Tag t : tags) {
      if (t.name().equals(name) && t.hasClass(cls)) {
        result.add(t);
      }
    }
    return result;
  }

  /** The first tag named {@code name}, or null. */
  Tag first(String name) {
    for (Tag t : tags) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  private static String unescape(String s) {
    return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
