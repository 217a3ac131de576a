package io.raftkv.client;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Says how to reach one server address; a seam so tests can use in-process channels. Channels
 * handle answers on their network thread ({@code directExecutor}) unless {@link #handledOn} says
 * otherwise: the client's own handlers never block, and handing each answer to another thread
 * cost a wake-up per operation.
 */
@FunctionalInterface
interface ChannelFactory {

  /** Plaintext gRPC over whichever transport is on the class path (Netty, shaded). */
  ChannelFactory PLAINTEXT = address -> ManagedChannelBuilder.forTarget(address).usePlaintext();

  /** A builder for a channel to {@code address}, its executor not yet chosen. */
  ManagedChannelBuilder<?> builder(String address);

  /** Opens a channel to {@code address}. */
  default ManagedChannel open(String address) {
    return builder(address).directExecutor().build();
  }

  /** These channels, answers handled (and so futures completed) on {@code executor}. */
  default ChannelFactory handledOn(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    ChannelFactory plain = this;
    return new ChannelFactory() {
      @Override
      public ManagedChannelBuilder<?> builder(String address) {
        return plain.builder(address);
      }

      @Override
      public ManagedChannel open(String address) {
        return plain.builder(address).executor(executor).build();
      }
    };
  }
}
