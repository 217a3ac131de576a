package io.raftkv.nemesis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This JVM's class path with the project's own jars and class directories copied aside once:
 * other builds re-install {@code io.raftkv} jars while runs go on, and a server process reading
 * a jar rewritten under it fails in odd ways.
 */
public final class StableClassPath {
  private StableClassPath() {}

  private static String value;

  public static synchronized String get() throws IOException {
    if (value != null) {
      return value;
    }
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    Path copies = Files.createTempDirectory("raftkv-nemesis-cp");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Nemesis.deleteTree(copies)));
    List<String> out = new ArrayList<>();
    int n = 0;
    for (String entry : cp.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry);
      String norm = p.toString().replace('\\', '/');
      String name = p.getFileName() == null ? "" : p.getFileName().toString();
      boolean ours = norm.contains("/io/raftkv/") || Files.isDirectory(p)
          || name.startsWith("raftkv");
      if (!ours || !Files.exists(p)) {
        out.add(entry);
        continue;
      }
      Path to = copies.resolve((n++) + "-" + name);
      if (Files.isDirectory(p)) {
        try (var walk = Files.walk(p)) {
          for (Path f : walk.toList()) {
            Path t = to.resolve(p.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(t);
            } else {
              Files.copy(f, t);
            }
          }
        }
      } else {
        Files.copy(p, to);
      }
      out.add(to.toString());
    }
    value = String.join(File.pathSeparator, out);
    return value;
  }
}
