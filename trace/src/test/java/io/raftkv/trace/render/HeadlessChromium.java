package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code chromium --headless} on a local page and returns the DOM after its scripts ran.
 * Chromium must be installed: Maven runs scripts/ensure-chromium before the tests, and a missing
 * browser fails the test (it is never skipped).
 */
final class HeadlessChromium {
  private static final long TIMEOUT_SECONDS = 180;

  private HeadlessChromium() {
  }

  /** The chromium executable on PATH; fails the test, naming scripts/ensure-chromium, if none. */
  static Path executable() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "chromium");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return fail("chromium is not installed (not on PATH " + path + "): run scripts/ensure-chromium "
        + "(as root it installs the Debian package 'chromium'; Maven runs it before these tests)");
  }

  /** The serialized DOM of {@code page} opened with the URL fragment {@code fragment} ("" for none). */
  static String dumpDom(Path page, String fragment, Path workDir) throws IOException,
      InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    Path out = workDir.resolve("dom-" + System.nanoTime() + ".html");
    Path err = workDir.resolve("chromium-" + System.nanoTime() + ".log");
    String url = page.toAbsolutePath().toUri() + (fragment.isEmpty() ? "" : "#" + fragment);
    Process p = new ProcessBuilder(List.of(executable().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
        "--dump-dom", url))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish within " + TIMEOUT_SECONDS + "s on " + url + "; its log: "
          + err);
    }
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || dom.isBlank()) {
      fail("chromium exited with " + p.exitValue() + " and " + dom.length() + " characters of "
          + "DOM on " + url + ":\n" + tail(Files.readString(err, StandardCharsets.UTF_8)));
    }
    return dom;
  }

  private static String tail(String log) {
    return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
  }
}
