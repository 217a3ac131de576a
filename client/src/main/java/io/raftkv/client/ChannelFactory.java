package io.raftkv.client;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** Opens the channel to one server address; a seam so tests can use in-process channels. */
@FunctionalInterface
interface ChannelFactory {

  /** Plaintext gRPC over whichever transport is on the class path (Netty, shaded). */
  ChannelFactory PLAINTEXT = address -> ManagedChannelBuilder.forTarget(address).usePlaintext().build();

  ManagedChannel open(String address);
}
