package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** java.util.logging and System.Logger records end in the SLF4J backend, in its format. */
class ServerLoggingTest {
  @Test
  void julAndSystemLoggerRecordsReachSlf4j() {
    ServerLogging.routeJavaUtilLogging();
    ServerLogging.routeJavaUtilLogging(); // idempotent
    Handler[] handlers = LogManager.getLogManager().getLogger("").getHandlers();
    assertEquals(1, handlers.length, List.of(handlers).toString());
    assertTrue(handlers[0] instanceof SLF4JBridgeHandler, handlers[0].toString());

    // the simulator silences storage this way; routing must keep a logger's own level
    Logger quiet = Logger.getLogger("io.raftkv.storage.quiet");
    quiet.setLevel(Level.OFF);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // as storage logs (System.Logger, MessageFormat arguments) and as gRPC logs (JUL)
      System.getLogger("io.raftkv.storage.LoggingProbe").log(System.Logger.Level.WARNING,
          "cut a torn tail from {0}: {1} bytes", "seg-7", 42);
      Logger.getLogger("io.raftkv.server.JulProbe").warning("a JUL warning");
      System.getLogger("io.raftkv.storage.quiet.Wal").log(System.Logger.Level.WARNING, "noise");
    } finally {
      System.setErr(err);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    // slf4j-simple's one-line format: "... WARN <logger> - <message>"
    assertTrue(out.lines().anyMatch(l -> l.contains("WARN")
        && l.contains("LoggingProbe - cut a torn tail from seg-7: 42 bytes")), out);
    assertTrue(out.lines().anyMatch(l -> l.contains("WARN") && l.contains("JulProbe - a JUL"
        + " warning")), out);
    assertFalse(out.contains("noise"), out);
    assertFalse(out.contains("WARNING:"), "java.util.logging's own format:\n" + out);
  }

  @Test
  void levelSetsBothBackends() {
    Logger root = LogManager.getLogManager().getLogger("");
    Level before = root.getLevel();
    String prop = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
    try {
      ServerLogging.setLevel("DEBUG");
      assertEquals("debug", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
      assertEquals(Level.FINE, root.getLevel());
      ServerLogging.setLevel("warn");
      assertEquals(Level.WARNING, root.getLevel());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ServerLogging.setLevel("verbose"));
      assertTrue(e.getMessage().contains("trace, debug, info, warn, error, off"), e.getMessage());
    } finally {
      root.setLevel(before);
      if (prop == null) {
        System.clearProperty("org.slf4j.simpleLogger.defaultLogLevel");
      } else {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", prop);
      }
    }
  }
}
