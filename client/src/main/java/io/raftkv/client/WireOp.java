package io.raftkv.client;

import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.KVGrpc;

/**
 * Sends one operation's request. Called once per attempt with a stub bound to that attempt's
 * server and deadline; every attempt of an operation sends the same request, including its
 * (client_id, op_id) header, which is what lets the servers apply it once.
 */
@FunctionalInterface
interface WireOp<R> {
  void send(KVGrpc.KVStub stub, StreamObserver<R> answer);
}
