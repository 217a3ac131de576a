package io.raftkv.trace;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Assertions;

class TraceTokenProperties {
  @Property
  void every_token_round_trips(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 40) String traceId,
      @ForAll @Size(max = 12) Map<@AlphaChars @NumericChars @StringLength(min = 1, max = 20) String,
          @LongRange(min = 1) Long> entries) {
    TraceToken t = new TraceToken(traceId, VectorClock.of(entries));
    Assertions.assertEquals(t, TraceToken.fromBytes(t.toBytes()));
    Assertions.assertEquals(t, TraceToken.fromHeader(t.toHeader()));
  }

  @Property
  void arbitrary_bytes_parse_or_fail_with_IllegalArgumentException(
      @ForAll @Size(max = 64) byte[] bytes) {
    try {
      TraceToken t = TraceToken.fromBytes(bytes);
      Assertions.assertArrayEquals(bytes, t.toBytes(), "a parsed token re-encodes to its bytes");
    } catch (IllegalArgumentException expected) {
      Assertions.assertTrue(expected.getMessage().startsWith("bad trace token"));
    }
  }
}
