package io.raftkv.server;

import io.grpc.Metadata;
import io.raftkv.trace.TraceToken;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC metadata a traced request and its answer carry (documented in {@code kv.proto}): the
 * sender's token, and the kvslib's own client name and OpId, which the wire header does not hold.
 */
final class TraceHeaders {
  static final Metadata.Key<byte[]> TOKEN =
      Metadata.Key.of("raftkv-trace-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final Metadata.Key<byte[]> CLIENT =
      Metadata.Key.of("raftkv-trace-client-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final Metadata.Key<String> OP =
      Metadata.Key.of("raftkv-trace-op", Metadata.ASCII_STRING_MARSHALLER);

  private TraceHeaders() {}

  /** Request headers continuing {@code token} for the kvslib's {@code clientId}/{@code opId}. */
  static Metadata request(TraceToken token, String clientId, long opId) {
    Metadata md = new Metadata();
    md.put(TOKEN, token.toBytes());
    md.put(CLIENT, clientId.getBytes(StandardCharsets.UTF_8));
    md.put(OP, Long.toString(opId));
    return md;
  }

  /** The token in {@code md}, or null if there is none. */
  static TraceToken token(Metadata md) {
    byte[] b = md.get(TOKEN);
    return b == null ? null : TraceToken.fromBytes(b);
  }

  /** The client name in {@code md}, or "" if there is none. */
  static String clientId(Metadata md) {
    byte[] b = md.get(CLIENT);
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  /**
   * The OpId in {@code md}, or 0 if there is none.
   *
   * @throws NumberFormatException if it is not a decimal number
   */
  static long opId(Metadata md) {
    String s = md.get(OP);
    return s == null ? 0 : Long.parseLong(s);
  }
}
