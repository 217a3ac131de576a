package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KvLimitsTest {

  @Test
  void when_key_too_long_then_message_names_limit_and_size() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KvLimits.checkKey(new byte[4097]));
    assertEquals("key is 4097 bytes; the maximum key size is 4096 bytes (KvLimits.MAX_KEY_BYTES)",
        e.getMessage());
  }

  @Test
  void when_key_empty_then_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KvLimits.checkKey(new byte[0]));
    assertEquals("key is empty; keys must be 1 to 4096 bytes", e.getMessage());
  }

  @Test
  void when_value_too_long_then_message_names_limit_and_size() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KvLimits.checkValue(new byte[KvLimits.MAX_VALUE_BYTES + 1]));
    assertEquals("value is 1048577 bytes; the maximum value size is 1048576 bytes"
        + " (KvLimits.MAX_VALUE_BYTES)", e.getMessage());
  }

  @Test
  void when_sizes_at_the_limits_then_accepted() {
    assertDoesNotThrow(() -> KvLimits.checkKey(new byte[KvLimits.MAX_KEY_BYTES]));
    assertDoesNotThrow(() -> KvLimits.checkKey(new byte[1]));
    assertDoesNotThrow(() -> KvLimits.checkValue(new byte[KvLimits.MAX_VALUE_BYTES]));
    assertDoesNotThrow(() -> KvLimits.checkValue(new byte[0]));
  }

  @Test
  void when_largest_command_encoded_then_it_fits_the_command_limit() {
    byte[] big = new byte[KvLimits.MAX_VALUE_BYTES];
    Command cas = new Command.Cas(-1L, Long.MAX_VALUE, Long.MAX_VALUE,
        new byte[KvLimits.MAX_KEY_BYTES], big, big);
    byte[] data = CommandCodec.encode(cas);
    assertEquals(cas, CommandCodec.decode(data));
    assertEquals(true, data.length <= KvLimits.MAX_COMMAND_BYTES);
  }
}
