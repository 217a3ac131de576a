package io.raftkv.bench;

import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@link CommandCodec}: one client Put to log-entry bytes (on the leader) and back (everywhere). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CommandCodecBench {
  @Param({"100"})
  int valueBytes;

  private Command.Put put;
  private byte[] putBytes;

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(3);
    byte[] value = new byte[valueBytes];
    r.nextBytes(value);
    put = new Command.Put(r.nextLong(), 1, 1_700_000_000_000L,
        "key-123".getBytes(StandardCharsets.US_ASCII), value);
    putBytes = CommandCodec.encode(put);
  }

  @Benchmark
  public byte[] encode() {
    return CommandCodec.encode(put);
  }

  @Benchmark
  public Command decode() {
    return CommandCodec.decode(putBytes);
  }
}
