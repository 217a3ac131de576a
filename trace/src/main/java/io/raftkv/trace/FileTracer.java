package io.raftkv.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The tracer that writes {@code <dir>/<host>.trace.jsonl}. One lock guards the clock and the
 * file, so lines appear in clock order; each line is flushed to the OS as it is written, so a
 * SIGKILLed process loses at most the line being written (the reader skips a torn last line).
 */
final class FileTracer implements Tracer {
  /** The files of the open tracers of this JVM. */
  private static final java.util.Set<Path> OPEN_IN_THIS_JVM =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final String host;
  private final Path file;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private final Writer out;
  private final LongSupplier wallMicros;
  private final StringBuilder line = new StringBuilder(256);
  private final String traceSuffix;
  private VectorClock clock;
  private long traceCounter;
  private boolean closed;

  private FileTracer(String host, Path file, Path key, FileChannel channel, FileLock lock,
      VectorClock clock, String traceSuffix, LongSupplier wallMicros) {
    this.host = host;
    this.key = key;
    this.traceSuffix = traceSuffix;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.clock = clock;
    this.wallMicros = wallMicros;
    this.out = new BufferedWriter(
        new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  static FileTracer open(String host, Path dir, LongSupplier wallMicros) {
    Names.checkHost(host);
    Objects.requireNonNull(dir, "dir");
    Path file = TraceLog.fileFor(dir, host);
    Path key = file.toAbsolutePath().normalize();
    // Checked before opening a channel: closing a second channel on a file can drop the first
    // one's OS lock, so a second tracer in this JVM must not get as far as opening one.
    if (!OPEN_IN_THIS_JVM.add(key)) {
      throw new IllegalStateException("another tracer is writing " + file
          + " (one tracer per host and directory; close the old one first)");
    }
    boolean opened = false;
    try {
      FileTracer t = openChannel(host, dir, file, key, wallMicros);
      opened = true;
      return t;
    } finally {
      if (!opened) {
        OPEN_IN_THIS_JVM.remove(key);
      }
    }
  }

  private static FileTracer openChannel(String host, Path dir, Path file, Path key,
      LongSupplier wallMicros) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // cannot happen while OPEN_IN_THIS_JVM guards; reported the same way
      }
      if (lock == null) {
        throw new IllegalStateException("another tracer (in this or another process) is "
            + "writing " + file + " (one tracer per host and directory)");
      }
      List<TraceEvent> earlier = resume(file, channel);
      channel.position(channel.size());
      FileChannel opened = channel;
      channel = null;
      VectorClock clock =
          earlier.isEmpty() ? VectorClock.empty() : earlier.get(earlier.size() - 1).clock();
      return new FileTracer(host, file, key, opened, lock, clock, freshSuffix(host, earlier),
          wallMicros);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open trace file " + file + ": " + e.getMessage(), e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // already failing; the first error is the one to report
        }
      }
    }
  }

  /**
   * Reads an existing file: cuts a torn last line (everything after the last newline; its event
   * was never acknowledged to the caller, so no token can name it) and returns the events kept.
   */
  private static List<TraceEvent> resume(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0) {
      return List.of();
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("trace file " + file + " is too large to continue (" + size
          + " bytes); move it away");
    }
    byte[] bytes = new byte[(int) size];
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      if (channel.read(buf, buf.position()) < 0) {
        throw new IOException("trace file " + file + " shrank while being read");
      }
    }
    int keep = 0;
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        keep = i + 1;
        break;
      }
    }
    if (keep < bytes.length) {
      System.err.println("trace: " + file + ": cutting a torn last line of "
          + (bytes.length - keep) + " bytes before appending");
      channel.truncate(keep);
    }
    return TraceLog.parse(file.toString(), bytes, keep, w -> { });
  }

  /**
   * The random part of this process lifetime's trace ids ({@code host-counter-suffix}): the
   * counter restarts with the process, so the suffix must differ from earlier lifetimes' in the
   * same file.
   */
  private static String freshSuffix(String host, List<TraceEvent> earlier) {
    java.util.Set<String> used = new java.util.HashSet<>();
    String prefix = host + "-";
    for (TraceEvent e : earlier) {
      String id = e.traceId();
      int dash = id.lastIndexOf('-');
      if (id.startsWith(prefix) && dash > prefix.length()) {
        used.add(id.substring(dash + 1));
      }
    }
    while (true) {
      String s = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
      if (!used.contains(s)) {
        return s;
      }
    }
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Trace createTrace() {
    long n;
    synchronized (this) {
      n = ++traceCounter;
    }
    return new FileTrace(this, host + "-" + n + "-" + traceSuffix);
  }

  @Override
  public Trace receiveToken(TraceToken token) {
    Objects.requireNonNull(token, "token");
    synchronized (this) {
      VectorClock merged = clock.merge(token.clock());
      long own = clock.get(host);
      if (merged.get(host) != own) {
        // Our own entry counts our events; a token cannot know more of them than we do.
        java.util.TreeMap<String, Long> fixed = new java.util.TreeMap<>(merged.entries());
        if (own == 0) {
          fixed.remove(host);
        } else {
          fixed.put(host, own);
        }
        merged = VectorClock.of(fixed);
      }
      clock = merged;
    }
    return new FileTrace(this, token.traceId());
  }

  @Override
  public Trace traceOf(String traceId) {
    return new FileTrace(this, Names.checkTraceId(traceId));
  }

  synchronized void record(String traceId, TraceAction action) {
    Objects.requireNonNull(action, "action");
    java.util.Map<String, Object> fields = action.fields();
    if (closed) {
      return;
    }
    VectorClock next = clock.tick(host);
    line.setLength(0);
    EventCodec.format(line, host, next.get(host), next, traceId, action.name(), fields,
        wallMicros.getAsLong());
    line.append('\n');
    try {
      out.append(line);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace file " + file + ": " + e.getMessage(),
          e);
    }
    clock = next;
  }

  synchronized TraceToken token(String traceId) {
    return new TraceToken(traceId, clock);
  }

  /** The current clock (for tests). */
  synchronized VectorClock clock() {
    return clock;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.flush();
      lock.release();
      out.close();
    } catch (IOException e) {
      OPEN_IN_THIS_JVM.remove(key);
      throw new UncheckedIOException("cannot close trace file " + file + ": " + e.getMessage(),
          e);
    }
    OPEN_IN_THIS_JVM.remove(key);
  }

  @Override
  public String toString() {
    return "Tracer(" + host + " -> " + file + ")";
  }

  /** A trace id bound to a file tracer. */
  private static final class FileTrace implements Trace {
    private final FileTracer tracer;
    private final String id;

    FileTrace(FileTracer tracer, String id) {
      this.tracer = tracer;
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void recordAction(TraceAction action) {
      tracer.record(id, action);
    }

    @Override
    public TraceToken generateToken() {
      return tracer.token(id);
    }

    @Override
    public String toString() {
      return "Trace(" + id + " @ " + tracer.host + ")";
    }
  }
}
