package io.raftkv.bench;

import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.Entry;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine's write path: a committed entry holding an encoded Put, decoded and applied
 * by {@link KvStateMachine#apply} (session check, map update, result), over {@code keys} keys
 * and {@code sessions} client sessions, as the server's apply loop does per entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ApplyBench {
  @Param({"1000"})
  int keys;

  @Param({"256"})
  int sessions;

  @Param({"100"})
  int valueBytes;

  private KvStateMachine sm;
  private byte[][] keyBytes;
  private long[] clientIds;
  private long[] opIds;
  private byte[] value;
  private long index;
  private int next;

  @Setup(Level.Iteration)
  public void setUp() {
    sm = new KvStateMachine(KvConfig.defaults());
    SplittableRandom r = new SplittableRandom(5);
    keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = ("key-" + i).getBytes(StandardCharsets.US_ASCII);
    }
    clientIds = new long[sessions];
    opIds = new long[sessions];
    for (int i = 0; i < sessions; i++) {
      clientIds[i] = r.nextLong();
    }
    value = new byte[valueBytes];
    r.nextBytes(value);
    index = 0;
    next = 0;
  }

  /** Encode + apply: what one committed client Put costs the leader (encoding) and every node. */
  @Benchmark
  public ApplyResult encodeAndApply() {
    int s = next++ % sessions;
    Command.Put put = new Command.Put(clientIds[s], ++opIds[s], 1_700_000_000_000L + index,
        keyBytes[(int) (index % keys)], value);
    return sm.apply(Entry.normal(++index, 1, CommandCodec.encode(put)));
  }
}
