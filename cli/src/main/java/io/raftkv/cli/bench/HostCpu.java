package io.raftkv.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's CPU time from the first line of {@code /proc/stat} (Linux; USER_HZ taken as 100),
 * to tell how much CPU others took during a run: busy time not used by the bench JVM or its
 * servers is foreign load, and steal is time the hypervisor gave to other guests.
 */
final class HostCpu {
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** Busy (all but idle and iowait) and steal CPU time so far, ns; null if unknown. */
  static long[] sample() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      if (!f[0].equals("cpu") || f.length < 9) {
        return null;
      }
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = Long.parseLong(f[8]);
      return new long[] {(user + nice + system + irq + softirq) * NANOS_PER_TICK,
          steal * NANOS_PER_TICK};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
