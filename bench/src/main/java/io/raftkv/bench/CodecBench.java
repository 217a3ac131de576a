package io.raftkv.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.raft.Entry;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.Message;
import io.raftkv.server.transport.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The peer codec on the write path: an AppendEntries carrying {@code entries} Put commands as a
 * peer message ({@link MessageCodec}, to the protobuf object and on to bytes, and back). The
 * command codec is in {@link CommandCodecBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  @Param({"1", "16"})
  int entries;

  @Param({"100"})
  int valueBytes;

  private AppendEntries append;
  private RaftMessage appendWire;
  private byte[] appendBytes;

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(3);
    byte[] value = new byte[valueBytes];
    r.nextBytes(value);
    Command.Put put = new Command.Put(r.nextLong(), 1, System.currentTimeMillis(),
        "key-123".getBytes(StandardCharsets.US_ASCII), value);
    byte[] putBytes = CommandCodec.encode(put);
    List<Entry> es = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      es.add(Entry.normal(1001 + i, 3, putBytes));
    }
    append = new AppendEntries(1, 2, 3, 1000, 3, es, 999);
    appendWire = MessageCodec.encode(append);
    appendBytes = appendWire.toByteArray();
  }

  /** AppendEntries → protobuf → bytes, as the sender does. */
  @Benchmark
  public byte[] appendEntriesEncode() {
    return MessageCodec.encode(append).toByteArray();
  }

  /** bytes → protobuf → AppendEntries, as the receiver does. */
  @Benchmark
  public Message appendEntriesDecode() throws InvalidProtocolBufferException {
    return MessageCodec.decode(RaftMessage.parseFrom(appendBytes));
  }

  /** Only the mapping between the core's record and the protobuf object, both ways. */
  @Benchmark
  public Message appendEntriesMapOnly() {
    return MessageCodec.decode(MessageCodec.encode(append));
  }
}
