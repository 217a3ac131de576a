package io.raftkv.trace.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the renderer's stylesheet and script from the classpath (they are part of the jar). */
final class Resources {
  private Resources() {
  }

  static String text(String name) {
    try (InputStream in = Resources.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource io/raftkv/trace/render/" + name
            + " is missing from the classpath (a broken build of raftkv-trace)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading resource " + name, e);
    }
  }
}
