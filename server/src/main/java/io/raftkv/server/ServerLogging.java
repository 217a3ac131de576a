package io.raftkv.server;

import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One log backend per process: SLF4J (the project's code logs through it; the binding is
 * slf4j-simple, configured by {@code simplelogger.properties} and system properties). What logs
 * through java.util.logging is routed into it: gRPC and Netty, and the storage module, which logs
 * through the JDK's {@link System.Logger} (its default binding is java.util.logging) so that it
 * depends on nothing but {@code raft}. Call {@link #routeJavaUtilLogging} first thing in a process
 * entry point that runs servers; {@link #setLevel} before anything has logged.
 */
public final class ServerLogging {
  /** The levels {@code --log-level} takes, and java.util.logging's for each. */
  private static final Map<String, Level> LEVELS = Map.of("trace", Level.FINEST, "debug",
      Level.FINE, "info", Level.INFO, "warn", Level.WARNING, "error", Level.SEVERE, "off",
      Level.OFF);
  /** Libraries kept at warn by {@code simplelogger.properties} (never noisier than the root). */
  private static final String[] QUIET_LIBRARIES = {"io.grpc", "io.netty"};

  private ServerLogging() {}

  /**
   * Replaces java.util.logging's console handler (its own two-line format, on stderr) by a bridge
   * into SLF4J, so every record has the backend's format and level. Idempotent.
   */
  public static synchronized void routeJavaUtilLogging() {
    if (SLF4JBridgeHandler.isInstalled()) {
      return;
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /**
   * Sets the root log level, {@code trace|debug|info|warn|error|off}: of the SLF4J backend (it
   * takes effect only if nothing in this process has logged through SLF4J yet, as slf4j-simple
   * reads its configuration once) and of java.util.logging's root logger (records below it are
   * dropped before they reach the bridge). gRPC and Netty stay at warn unless the level is
   * quieter still. A logger given its own java.util.logging level keeps it (the simulator's
   * silenced storage logger).
   *
   * @throws IllegalArgumentException naming the accepted levels, for any other
   */
  public static void setLevel(String level) {
    String l = level.toLowerCase(Locale.ROOT);
    Level jul = LEVELS.get(l);
    if (jul == null) {
      throw new IllegalArgumentException("--log-level " + level
          + ": expected one of trace, debug, info, warn, error, off");
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
    if (jul.intValue() > Level.WARNING.intValue()) {
      for (String lib : QUIET_LIBRARIES) {
        System.setProperty("org.slf4j.simpleLogger.log." + lib, l);
      }
    }
    LogManager.getLogManager().getLogger("").setLevel(jul);
  }
}
