package io.raftkv.api;

import io.grpc.Metadata;
import io.raftkv.trace.TraceToken;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC metadata a traced request and its answer carry, the one definition client and server
 * share (the contract is documented in {@code raftkv/v1/kv.proto}): the sender's vector-clock
 * token ({@code raftkv-trace-bin}), and the kvslib's own client name and OpId
 * ({@code raftkv-trace-client-bin}, {@code raftkv-trace-op}), which the wire request does not
 * hold because it carries write-session ids instead. An answer carries only the token.
 */
public final class TraceMetadata {
  /** The sender's trace token ({@link TraceToken#toBytes()}). */
  public static final Metadata.Key<byte[]> TOKEN =
      Metadata.Key.of("raftkv-trace-bin", Metadata.BINARY_BYTE_MARSHALLER);
  /** The kvslib's client name, UTF-8. */
  public static final Metadata.Key<byte[]> CLIENT =
      Metadata.Key.of("raftkv-trace-client-bin", Metadata.BINARY_BYTE_MARSHALLER);
  /** The kvslib's OpId, decimal. */
  public static final Metadata.Key<String> OP =
      Metadata.Key.of("raftkv-trace-op", Metadata.ASCII_STRING_MARSHALLER);

  private TraceMetadata() {}

  /** Request headers continuing {@code token} for the kvslib's {@code clientId}/{@code opId}. */
  public static Metadata request(TraceToken token, String clientId, long opId) {
    Metadata md = new Metadata();
    md.put(TOKEN, token.toBytes());
    md.put(CLIENT, clientId.getBytes(StandardCharsets.UTF_8));
    md.put(OP, Long.toUnsignedString(opId)); // op ids are unsigned
    return md;
  }

  /**
   * The token in {@code md}, or null if there is none.
   *
   * @throws IllegalArgumentException if the bytes are not a valid token (the message says why)
   */
  public static TraceToken token(Metadata md) {
    byte[] b = md.get(TOKEN);
    return b == null ? null : TraceToken.fromBytes(b);
  }

  /** The client name in {@code md}, or "" if there is none. */
  public static String clientId(Metadata md) {
    byte[] b = md.get(CLIENT);
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  /**
   * The OpId in {@code md}, or 0 if there is none.
   *
   * @throws NumberFormatException if it is not a decimal number
   */
  public static long opId(Metadata md) {
    String s = md.get(OP);
    return s == null ? 0 : Long.parseUnsignedLong(s);
  }
}
