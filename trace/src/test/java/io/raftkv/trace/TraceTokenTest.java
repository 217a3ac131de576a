package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceTokenTest {
  private static final TraceToken TOKEN = new TraceToken("client1-5-ab12",
      VectorClock.of(Map.of("client1", 4L, "server3", 300L)));

  @Test
  void bytes_and_header_round_trip() {
    assertEquals(TOKEN, TraceToken.fromBytes(TOKEN.toBytes()));
    assertEquals(TOKEN, TraceToken.fromHeader(TOKEN.toHeader()));
    assertTrue(TOKEN.toHeader().matches("[A-Za-z0-9_-]+"), TOKEN.toHeader());
    TraceToken empty = new TraceToken("t", VectorClock.empty());
    assertEquals(empty, TraceToken.fromBytes(empty.toBytes()));
  }

  @Test
  void binary_form_is_the_documented_layout() {
    TraceToken t = new TraceToken("ab", VectorClock.of(Map.of("h", 130L)));
    // version 1, len 2 "ab", 1 host, len 1 "h", 130 = 0x82 0x01
    assertArrayEquals(new byte[] {1, 2, 'a', 'b', 1, 1, 'h', (byte) 0x82, 0x01}, t.toBytes());
  }

  @Test
  void constructor_rejects_bad_trace_ids() {
    assertThrows(IllegalArgumentException.class, () -> new TraceToken("", VectorClock.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> new TraceToken("a b", VectorClock.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> new TraceToken("a\nb", VectorClock.empty()));
    assertThrows(NullPointerException.class, () -> new TraceToken("a", null));
  }

  private static void assertRejected(byte[] bytes, String expectedInMessage) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TraceToken.fromBytes(bytes));
    assertTrue(e.getMessage().contains(expectedInMessage),
        "message \"" + e.getMessage() + "\" should mention \"" + expectedInMessage + "\"");
  }

  private static byte[] bytes(int... b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int x : b) {
      out.write(x);
    }
    return out.toByteArray();
  }

  @Test
  void fromBytes_rejects_each_kind_of_damage_naming_it() {
    assertRejected(new byte[0], "empty");
    assertRejected(bytes(2, 1, 't', 0), "version 2");
    assertRejected(bytes(1, 5, 't'), "truncated in trace id");
    assertRejected(bytes(1, 1, 't'), "truncated in host count");
    assertRejected(bytes(1, 1, 't', 0, 9), "trailing");
    assertRejected(bytes(1, 1, 't', 2, 1, 'a', 1, 1, 'a', 1), "appears twice");
    assertRejected(bytes(1, 1, 't', 2, 1, 'b', 1, 1, 'a', 1), "ascending");
    assertRejected(bytes(1, 1, 't', 1, 1, 'a', 0), "at least 1");
    assertRejected(bytes(1, 1, ' ', 0), "trace id");
    assertRejected(bytes(1, 1, 't', 1, 1, '/', 1), "host 0");
    assertRejected(bytes(1, 2, 0xc3, 0x28, 0), "UTF-8");
    assertRejected(bytes(1, 1, 't', 1, 1, 'a', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0x80, 0x80, 0x01), "overlong");
    assertRejected(bytes(1, 1, 't', 1, 1, 'a', 0x81, 0x00), "redundant zero");
    assertRejected(bytes(1, 1, 't', 0x7f), "cannot fit");
    assertRejected(new byte[TraceToken.MAX_BYTES + 1], "limit");
  }

  @Test
  void fromHeader_rejects_text_that_is_not_base64url() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TraceToken.fromHeader("not base64!"));
    assertTrue(e.getMessage().contains("base64url"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TraceToken.fromHeader(""));
  }

  @Test
  void trace_ids_of_any_printable_ascii_survive() {
    String id = "x!~\"{}#" + "y".repeat(200);
    TraceToken t = new TraceToken(id, VectorClock.of(Map.of("h", Long.MAX_VALUE)));
    assertEquals(t, TraceToken.fromBytes(t.toBytes()));
    // version byte, then a two-byte varint length (207 > 127), then the id itself
    assertEquals(id, new String(t.toBytes(), 3, id.length(), StandardCharsets.US_ASCII));
  }
}
