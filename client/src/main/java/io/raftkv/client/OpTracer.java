package io.raftkv.client;

import io.raftkv.api.v1.KVGrpc;

/**
 * Traces one operation's attempts: called just before each attempt's RPC, it records the send
 * (GetSend/PutSend) and returns the stub to send with, which carries the trace token.
 */
@FunctionalInterface
interface OpTracer {
  /** Not traced: the stub is used as it is. */
  OpTracer NONE = stub -> stub;

  KVGrpc.KVStub beforeSend(KVGrpc.KVStub stub);
}
