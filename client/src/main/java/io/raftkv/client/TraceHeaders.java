package io.raftkv.client;

import io.grpc.Metadata;
import io.raftkv.trace.TraceToken;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC metadata of a traced request (the contract is in {@code kv.proto}): the client's
 * token, its own name and OpId (the wire header carries session ids instead); the answer's token
 * comes back in the {@code raftkv-trace-bin} response header.
 */
final class TraceHeaders {
  static final Metadata.Key<byte[]> TOKEN =
      Metadata.Key.of("raftkv-trace-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final Metadata.Key<byte[]> CLIENT =
      Metadata.Key.of("raftkv-trace-client-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final Metadata.Key<String> OP =
      Metadata.Key.of("raftkv-trace-op", Metadata.ASCII_STRING_MARSHALLER);

  private TraceHeaders() {}

  static Metadata request(TraceToken token, String clientId, long opId) {
    Metadata md = new Metadata();
    md.put(TOKEN, token.toBytes());
    md.put(CLIENT, clientId.getBytes(StandardCharsets.UTF_8));
    md.put(OP, Long.toString(opId));
    return md;
  }
}
