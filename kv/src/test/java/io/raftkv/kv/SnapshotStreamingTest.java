package io.raftkv.kv;

import static io.raftkv.kv.Driver.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotData;
import io.raftkv.raft.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The streaming snapshot codec: the bytes are the documented version-1 format, large values and
 * every way a stream can split its reads give the same state, damage is refused with its message
 * wherever it falls relative to the read buffer, and a failing source leaves the state untouched.
 */
class SnapshotStreamingTest {
  private static final KvConfig CONFIG = new KvConfig(10_000, 100);

  /** Reads at most {@code step} bytes per call, to split fields across every buffer boundary. */
  private static InputStream trickle(byte[] data, int step) {
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, step));
      }
    };
  }

  /** A state with values small, buffer-sized and 1 MiB, and sessions holding values. */
  private static Driver bigState() {
    Driver d = new Driver(CONFIG);
    SplittableRandom random = new SplittableRandom(5);
    int[] sizes = {0, 1, 100, 100_000, 131_072, 262_143, 262_144, 300_000, KvLimits.MAX_VALUE_BYTES};
    for (int i = 0; i < sizes.length; i++) {
      byte[] value = new byte[sizes[i]];
      random.nextBytes(value);
      d.apply(new Command.Put(i + 1, 1, d.nowMillis, b("key-" + i), value));
    }
    for (int i = 0; i < 2000; i++) {
      d.put(100, i + 1, "small-" + i, "v" + i);
    }
    d.apply(new Command.Put(100, 2001, d.nowMillis, b("key-3"), new byte[7])); // previous: 100 kB
    return d;
  }

  @Test
  void when_a_small_state_is_written_then_the_bytes_are_the_documented_format() throws IOException {
    Driver d = new Driver(CONFIG);
    d.term = 2;
    d.put(7, 1, "k", "v");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    out.writeInt(0x524B5653);
    out.writeByte(2); // version
    out.writeLong(1); // applied index
    out.writeLong(2); // applied term
    out.writeLong(d.nowMillis); // clock
    out.writeLong(10_000);
    out.writeInt(100);
    out.writeLong(KvConfig.DEFAULT_MAX_SESSION_ANSWER_BYTES);
    out.writeLong(1); // entries
    out.writeInt(1);
    out.write(b("k"));
    out.writeInt(1);
    out.write(b("v"));
    out.writeInt(1); // sessions
    out.writeLong(7);
    out.writeLong(1);
    out.writeLong(1); // the index at which op 1 took effect
    out.writeLong(d.nowMillis);
    out.writeLong(1);
    out.writeByte(1); // a Put's answer
    out.writeInt(-1); // no previous value
    out.writeLong(d.sm.stateHash());
    CRC32C crc = new CRC32C();
    crc.update(expected.toByteArray());
    out.writeInt((int) crc.getValue());
    assertArrayEquals(expected.toByteArray(), Snapshots.bytes(d.sm));
    assertEquals(expected.size(), d.sm.snapshotSizeBytes());
  }

  @Test
  void when_values_cross_buffer_boundaries_then_every_read_split_restores_the_same_state()
      throws IOException {
    Driver source = bigState();
    byte[] data = Snapshots.bytes(source.sm);
    assertEquals(data.length, source.sm.snapshotSizeBytes());
    for (int step : new int[] {1 << 20, 65_536, 4093, 7}) {
      KvStateMachine copy = new KvStateMachine(CONFIG);
      copy.restore(trickle(data, step));
      assertEquals(source.sm.stateHash(), copy.stateHash(), "reads of " + step + " bytes");
      assertEquals(source.sm.size(), copy.size());
      assertArrayEquals(data, Snapshots.bytes(copy));
    }
  }

  @Test
  void when_a_big_snapshot_is_damaged_anywhere_then_it_is_refused_and_the_state_untouched() {
    byte[] good = Snapshots.bytes(bigState().sm);
    Driver target = new Driver(CONFIG);
    target.put(9, 1, "other", "state");
    long hash = target.sm.stateHash();
    // around the read buffer's boundaries (256 KiB) and spread over the rest
    for (int at = 0; at < good.length; at += at % 262_144 < 16 || at % 262_144 > 262_128 ? 1 : 4099) {
      byte[] bad = good.clone();
      bad[at] ^= 0x21;
      int position = at;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> target.sm.restore(trickle(bad, 100_003)), "flip at " + position);
      assertTrue(e.getMessage().startsWith("invalid snapshot: "), e.getMessage());
      assertEquals(hash, target.sm.stateHash());
    }
    for (int length : new int[] {0, 3, 262_143, 262_144, 262_145, good.length / 2, good.length - 4,
        good.length - 1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> target.sm.restore(trickle(Arrays.copyOf(good, length), 65_536)));
      assertTrue(e.getMessage().contains("the data ends early") || length == good.length - 4
          || e.getMessage().contains("CRC32C"), length + ": " + e.getMessage());
      assertEquals(hash, target.sm.stateHash());
    }
  }

  @Test
  void when_a_value_byte_deep_in_a_big_snapshot_is_changed_then_the_crc_says_so() {
    Driver source = bigState();
    byte[] bad = Snapshots.bytes(source.sm);
    bad[bad.length / 2] ^= 1; // inside the 1 MiB value, which is read straight into its array
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Snapshots.restore(new KvStateMachine(CONFIG), bad));
    assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
  }

  @Test
  void when_the_source_of_a_raft_snapshot_fails_then_the_error_names_it_and_the_state_is_untouched() {
    Driver source = bigState();
    byte[] data = Snapshots.bytes(source.sm);
    SnapshotMeta meta = new SnapshotMeta(source.sm.appliedIndex(), 1, List.of(1));
    Driver target = new Driver(CONFIG);
    target.put(9, 1, "other", "state");
    long hash = target.sm.stateHash();

    SnapshotData gone = new SnapshotData() {
      @Override
      public long sizeBytes() {
        return data.length;
      }

      @Override
      public InputStream open() throws IOException {
        throw new IOException("snapshot file /x/snap-1 is gone");
      }
    };
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> target.sm.restore(new Snapshot(meta, gone)));
    assertTrue(e.getMessage().contains("snapshot file /x/snap-1 is gone"), e.getMessage());
    assertEquals(hash, target.sm.stateHash());

    // a source that vouches for its bytes only at the end (as a file checksum does) and fails there
    SnapshotData damagedAtTheEnd = new SnapshotData() {
      @Override
      public long sizeBytes() {
        return data.length;
      }

      @Override
      public InputStream open() {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
              throw new IOException("file checksum mismatch in /x/snap-1");
            }
            return n;
          }
        };
      }
    };
    e = assertThrows(UncheckedIOException.class,
        () -> target.sm.restore(new Snapshot(meta, damagedAtTheEnd)));
    assertTrue(e.getMessage().contains("file checksum mismatch in /x/snap-1"), e.getMessage());
    assertEquals(hash, target.sm.stateHash());

    target.sm.restore(new Snapshot(meta, data));
    assertEquals(source.sm.stateHash(), target.sm.stateHash());
  }
}
