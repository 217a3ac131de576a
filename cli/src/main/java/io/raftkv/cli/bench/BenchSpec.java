package io.raftkv.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark's parameters, checked by {@link #validate()}. Fields are public and mutable so
 * that the command line can fill them; {@link #validate()} returns every problem found.
 */
public final class BenchSpec {
  /** The operation mix. */
  public enum Op {
    PUT, GET, MIXED;

    /** The lower-case name used on the command line and in result lines. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses put, get or mixed (any case); null if it is none of them. */
    public static Op parse(String s) {
      if (s == null) {
        return null;
      }
      for (Op o : values()) {
        if (o.label().equalsIgnoreCase(s.trim())) {
          return o;
        }
      }
      return null;
    }
  }

  public static final int MAX_CONCURRENCY = 10_000;
  public static final int MAX_VALUE_SIZE = 1 << 20;
  public static final int MAX_KEY_SIZE = 4096;

  public Op op = Op.PUT;
  public int concurrency = 16;
  public double seconds = 10;
  public double warmupSeconds = 5;
  public int keys = 1000;
  public int valueSize = 100;
  public boolean serializableReads;
  /** Fraction of gets in a mixed run. */
  public double readRatio = 0.5;
  /** Per-operation deadline in ms; 0 means none (the client retries until a server answers). */
  public long deadlineMillis = 10_000;
  /** Kill the leader this many seconds into the measured run; 0 means never. */
  public double killLeaderAfterSeconds;

  public BenchSpec copy() {
    BenchSpec s = new BenchSpec();
    s.op = op;
    s.concurrency = concurrency;
    s.seconds = seconds;
    s.warmupSeconds = warmupSeconds;
    s.keys = keys;
    s.valueSize = valueSize;
    s.serializableReads = serializableReads;
    s.readRatio = readRatio;
    s.deadlineMillis = deadlineMillis;
    s.killLeaderAfterSeconds = killLeaderAfterSeconds;
    return s;
  }

  /** Every problem with these parameters, each a sentence naming the option; empty if none. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (op == null) {
      errors.add("--op must be put, get or mixed");
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      errors.add("--concurrency must be 1.." + MAX_CONCURRENCY + ", got " + concurrency);
    }
    if (!(seconds > 0) || seconds > 86_400) {
      errors.add("--seconds must be above 0 and at most 86400, got " + fmt(seconds));
    }
    if (!(warmupSeconds >= 0) || warmupSeconds > 86_400) {
      errors.add("--warmup must be 0..86400 seconds, got " + fmt(warmupSeconds));
    }
    if (keys < 1) {
      errors.add("--keys must be at least 1, got " + keys);
    }
    if (valueSize < 0 || valueSize > MAX_VALUE_SIZE) {
      errors.add("--value-size must be 0.." + MAX_VALUE_SIZE + " bytes, got " + valueSize);
    }
    if (serializableReads && op == Op.PUT) {
      errors.add("--read serializable needs --op get or mixed");
    }
    if (!(readRatio >= 0 && readRatio <= 1)) {
      errors.add("--read-ratio must be 0..1, got " + fmt(readRatio));
    }
    if (deadlineMillis < 0) {
      errors.add("--deadline-ms must be 0 (none) or more, got " + deadlineMillis);
    }
    if (killLeaderAfterSeconds < 0) {
      errors.add("--kill-leader-after must be above 0, got " + fmt(killLeaderAfterSeconds));
    } else if (killLeaderAfterSeconds > 0 && killLeaderAfterSeconds >= seconds) {
      errors.add("--kill-leader-after (" + fmt(killLeaderAfterSeconds)
          + " s) must be less than --seconds (" + fmt(seconds) + " s)");
    }
    return errors;
  }

  static String fmt(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d)
        : String.valueOf(d);
  }
}
