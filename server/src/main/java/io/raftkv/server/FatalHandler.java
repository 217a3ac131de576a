package io.raftkv.server;

/**
 * The process-wide handler of a server process for exceptions no thread caught: a JVM {@link
 * Error} (OutOfMemoryError, ...) in any thread halts the process at once with exit code 2, after
 * one line on standard error naming the thread and the error; anything else is reported and the
 * thread ends. For the process mains ({@code raftkv server}), not for code that embeds servers.
 */
public final class FatalHandler {
  private FatalHandler() {}

  /** Installs the handler; {@code name} starts its line, e.g. {@code "raftkv server 2"}. */
  public static void install(String name) {
    Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
      if (FatalErrors.isFatal(t)) {
        System.err.println(name + ": fatal: " + t + " in thread " + thread.getName());
        Runtime.getRuntime().halt(2);
      }
      System.err.println(name + ": thread " + thread.getName() + " died: " + t);
      t.printStackTrace();
    });
  }
}
