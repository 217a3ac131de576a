package io.raftkv.kv;

import static io.raftkv.kv.Driver.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

  private static final List<Command> SAMPLES = List.of(
      new Command.Put(42, 1, 1_700_000_000_000L, b("k"), b("v")),
      new Command.Put(-1L, Long.MAX_VALUE, 0, b("key"), new byte[0]),
      new Command.Put(Long.MIN_VALUE, 300, Long.MAX_VALUE, new byte[] {(byte) 0xff, 0},
          new byte[KvLimits.MAX_VALUE_BYTES]),
      new Command.Delete(7, 2, 5, b("gone")),
      new Command.Cas(7, 3, 6, b("c"), null, b("first")),
      new Command.Cas(7, 4, 7, b("c"), b("first"), b("second")),
      new Command.Cas(7, 5, 8, new byte[KvLimits.MAX_KEY_BYTES], new byte[0], new byte[0]));

  private static IllegalArgumentException rejects(byte[] data) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(data));
    assertTrue(e.getMessage().startsWith("malformed command: "), e.getMessage());
    return e;
  }

  private static void assertMentions(IllegalArgumentException e, String text) {
    assertTrue(e.getMessage().contains(text), "'" + e.getMessage() + "' should mention " + text);
  }

  @Test
  void when_command_encoded_then_decodes_to_equal_command() {
    for (Command c : SAMPLES) {
      assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)));
    }
  }

  @Test
  void when_put_encoded_then_layout_is_versioned_and_compact() {
    byte[] data = CommandCodec.encode(new Command.Put(1, 1, 1, b("k"), b("v")));
    assertEquals(CommandCodec.VERSION, data[0]);
    assertEquals(CommandCodec.TYPE_PUT, data[1]);
    // version, type, clientId, opId, time, key length, key, value length, value
    assertEquals(1 + 1 + 8 + 1 + 1 + 1 + 1 + 1 + 1, data.length);
  }

  @Test
  void when_input_truncated_anywhere_then_rejected_as_truncated() {
    for (Command c : SAMPLES) {
      byte[] full = CommandCodec.encode(c);
      for (int length = 0; length < Math.min(full.length, 64); length++) {
        assertMentions(rejects(Arrays.copyOf(full, length)), "truncated");
      }
      assertMentions(rejects(Arrays.copyOf(full, full.length - 1)), "truncated");
    }
  }

  @Test
  void when_version_unknown_then_rejected_naming_it() {
    byte[] data = CommandCodec.encode(SAMPLES.get(0));
    data[0] = 9;
    assertMentions(rejects(data), "unknown version 9");
  }

  @Test
  void when_type_unknown_then_rejected_naming_it() {
    byte[] data = CommandCodec.encode(SAMPLES.get(0));
    data[1] = 4;
    assertMentions(rejects(data), "unknown command type 4");
    data[1] = 0;
    assertMentions(rejects(data), "unknown command type 0");
  }

  @Test
  void when_trailing_bytes_then_rejected() {
    byte[] data = CommandCodec.encode(SAMPLES.get(3));
    assertMentions(rejects(Arrays.copyOf(data, data.length + 2)), "2 trailing bytes");
  }

  @Test
  void when_null_input_then_rejected() {
    rejects(null);
  }

  @Test
  void when_key_length_over_limit_then_rejected_before_allocating() {
    // Delete with a declared key length of 2^31: must fail on the limit, not on memory
    byte[] data = {1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, 0x08};
    assertMentions(rejects(data), "key length 2147483648 exceeds the maximum of 4096");
  }

  @Test
  void when_value_length_over_limit_then_rejected() {
    byte[] data = CommandCodec.encode(new Command.Put(1, 1, 1, b("k"), b("v")));
    // value length varint for MAX_VALUE_BYTES + 1 = 0x100001: 0x81 0x80 0x40
    byte[] head = Arrays.copyOf(data, data.length - 2);
    byte[] bad = Arrays.copyOf(head, head.length + 3);
    bad[head.length] = (byte) 0x81;
    bad[head.length + 1] = (byte) 0x80;
    bad[head.length + 2] = 0x40;
    assertMentions(rejects(bad), "value length 1048577 exceeds the maximum of 1048576");
  }

  @Test
  void when_whole_input_over_command_limit_then_rejected_naming_the_limit() {
    assertMentions(rejects(new byte[KvLimits.MAX_COMMAND_BYTES + 1]), "MAX_COMMAND_BYTES");
  }

  @Test
  void when_varint_not_shortest_then_rejected() {
    byte[] data = CommandCodec.encode(new Command.Delete(1, 1, 1, b("k")));
    // opId 1 spelled as 0x81 0x00
    byte[] bad = new byte[data.length + 1];
    System.arraycopy(data, 0, bad, 0, 10);
    bad[10] = (byte) 0x81;
    bad[11] = 0;
    System.arraycopy(data, 11, bad, 12, data.length - 11);
    assertMentions(rejects(bad), "opId varint is not in shortest form");
  }

  @Test
  void when_varint_overflows_then_rejected() {
    byte[] data = new byte[10 + 11];
    data[0] = 1;
    data[1] = 2;
    Arrays.fill(data, 10, 19, (byte) 0xff);
    data[19] = 0x02;
    assertMentions(rejects(data), "opId varint overflows 64 bits");
  }

  @Test
  void when_op_id_zero_then_rejected_naming_the_field() {
    byte[] data = CommandCodec.encode(new Command.Delete(1, 1, 1, b("k")));
    data[10] = 0;
    assertMentions(rejects(data), "opId must be 1 to 2^64-1 (unsigned), got 0");
  }

  @Test
  void when_key_empty_then_rejected() {
    byte[] data = {1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0};
    assertMentions(rejects(data), "key is empty");
  }

  @Test
  void when_cas_flag_not_boolean_then_rejected() {
    byte[] data = CommandCodec.encode(new Command.Cas(1, 1, 1, b("k"), null, b("v")));
    data[14] = 2;
    assertMentions(rejects(data), "expected-value flag is 2");
  }

  @Test
  void when_command_built_with_bad_fields_then_constructor_names_the_problem() {
    assertThrows(IllegalArgumentException.class, () -> new Command.Put(1, 0, 1, b("k"), b("v")));
    assertThrows(IllegalArgumentException.class, () -> new Command.Put(1, 1, -1, b("k"), b("v")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Command.Put(1, 1, 1, new byte[KvLimits.MAX_KEY_BYTES + 1], b("v")));
    assertMentions(e, "MAX_KEY_BYTES");
    assertThrows(IllegalArgumentException.class, () -> new Command.Delete(1, 1, 1, null));
    assertThrows(IllegalArgumentException.class,
        () -> new Command.Cas(1, 1, 1, b("k"), null, null));
  }

  @Test
  void when_proposal_time_stamped_then_only_the_time_changes() {
    for (Command c : SAMPLES) {
      Command stamped = c.withProposedAtMillis(99);
      assertEquals(99, stamped.proposedAtMillis());
      assertEquals(c, stamped.withProposedAtMillis(c.proposedAtMillis()));
    }
  }
}
