package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Damaged input to the command codec and the snapshot reader: a clear error or an exact read. */
class FormatProperties {

  @Provide
  Arbitrary<Command> commands() {
    Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<Long> ids = Arbitraries.longs();
    Arbitrary<Long> ops = Arbitraries.longs().between(1, Long.MAX_VALUE);
    Arbitrary<Long> times = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<Command> puts = Combinators.combine(ids, ops, times, keys, values)
        .as(Command.Put::new);
    Arbitrary<Command> deletes = Combinators.combine(ids, ops, times, keys)
        .as(Command.Delete::new);
    Arbitrary<Command> cases = Combinators.combine(ids, ops, times, keys,
            values.injectNull(0.3), values)
        .as(Command.Cas::new);
    return Arbitraries.oneOf(puts, deletes, cases);
  }

  @Property(tries = 1000)
  void when_command_round_trips_then_equal(@ForAll("commands") Command command) {
    assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)));
  }

  @Property(tries = 2000)
  void when_encoding_damaged_then_clear_error_or_canonical_read(
      @ForAll("commands") Command command,
      @ForAll @IntRange(max = 10_000) int position,
      @ForAll byte replacement,
      @ForAll @IntRange(max = 3) int damage) {
    byte[] good = CommandCodec.encode(command);
    int at = position % good.length;
    byte[] bad;
    if (damage == 0) {
      bad = good.clone();
      bad[at] = replacement;
    } else if (damage == 1) {
      bad = Arrays.copyOf(good, at);
    } else if (damage == 2) {
      bad = new byte[good.length + 1];
      System.arraycopy(good, 0, bad, 0, at);
      bad[at] = replacement;
      System.arraycopy(good, at, bad, at + 1, good.length - at);
    } else {
      bad = new byte[good.length - 1];
      System.arraycopy(good, 0, bad, 0, at);
      System.arraycopy(good, at + 1, bad, at, good.length - at - 1);
    }
    Command decoded;
    try {
      decoded = CommandCodec.decode(bad);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("malformed command: "), e.getMessage());
      return;
    }
    // accepted damage must still be a faithful read: exactly one encoding per command
    assertArrayEquals(bad, CommandCodec.encode(decoded));
  }

  @Property(tries = 200)
  void when_snapshot_damaged_then_rejected_and_state_untouched(
      @ForAll @Size(max = 20) List<@From("commands") Command> commands,
      @ForAll @IntRange(max = 1_000_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int flip) {
    KvConfig config = new KvConfig(1_000, 1_000);
    Driver source = new Driver(config);
    for (Command c : commands) {
      source.apply(c);
    }
    byte[] bad = Snapshots.bytes(source.sm);
    bad[position % bad.length] ^= (byte) flip;

    Driver target = new Driver(config);
    target.put(1, 1, "keep", "me");
    long hash = target.sm.stateHash();
    try {
      Snapshots.restore(target.sm, bad);
      throw new AssertionError("a damaged snapshot was accepted");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("invalid snapshot: "), e.getMessage());
    }
    assertEquals(hash, target.sm.stateHash());
    assertEquals("me", target.get("keep"));
  }
}
