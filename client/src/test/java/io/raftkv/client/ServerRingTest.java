package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerRingTest {

  /** A channel that only counts back-off resets; no call is ever made on it here. */
  private static final class CountingChannel extends ManagedChannel {
    int resets;

    @Override
    public void resetConnectBackoff() {
      resets++;
    }

    @Override
    public <Q, A> ClientCall<Q, A> newCall(MethodDescriptor<Q, A> method, CallOptions options) {
      throw new UnsupportedOperationException("no calls in this test");
    }

    @Override
    public String authority() {
      return "counting";
    }

    @Override
    public ManagedChannel shutdown() {
      return this;
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public ManagedChannel shutdownNow() {
      return this;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  @Test
  void failingOverToAServerUsedBeforeLetsItsChannelReconnectAtOnce() {
    Map<String, CountingChannel> opened = new LinkedHashMap<>();
    ChannelFactory factory = new ChannelFactory() {
      @Override
      public ManagedChannelBuilder<?> builder(String address) {
        throw new UnsupportedOperationException();
      }

      @Override
      public ManagedChannel open(String address) {
        return opened.computeIfAbsent(address, a -> new CountingChannel());
      }
    };
    ServerRing ring = new ServerRing(List.of("127.0.0.1:1", "127.0.0.1:2"), factory,
        ServerConnectionListener.NONE);
    assertEquals("127.0.0.1:1", ring.current().address());
    ring.failover(0, "UNAVAILABLE");
    assertEquals("127.0.0.1:2", ring.current().address());
    assertEquals(0, opened.get("127.0.0.1:1").resets, "nothing to reset when moving to a new one");

    // Back to the first server, whose channel failed before: its back-off is reset.
    ring.failover(1, "UNAVAILABLE");
    assertEquals(1, opened.get("127.0.0.1:1").resets);
    assertEquals(0, opened.get("127.0.0.1:2").resets);
    assertEquals("127.0.0.1:1", ring.current().address());
  }

  private static ServerRing ring(String... addresses) {
    ChannelFactory factory = new ChannelFactory() {
      @Override
      public ManagedChannelBuilder<?> builder(String address) {
        throw new UnsupportedOperationException();
      }

      @Override
      public ManagedChannel open(String address) {
        return new CountingChannel();
      }
    };
    return new ServerRing(List.of(addresses), factory, ServerConnectionListener.NONE);
  }

  @Test
  void theRoundRobinFollowsTheMembership() {
    ServerRing ring = ring("a:1", "b:2", "alias:9");
    ring.updateMembers(5, List.of("a:1", "b:2", "c:3"));
    assertEquals(List.of("a:1", "b:2", "alias:9", "c:3"), ring.servers(),
        "a new member joins; a configured address never named as a member stays");

    ring.route("a:1");
    assertTrue(ring.updateMembers(6, List.of("b:2", "c:3")), "the leader's address left");
    assertEquals(-1, ring.leaderIndex());
    assertEquals(List.of("b:2", "alias:9", "c:3"), ring.servers());
    assertEquals("b:2", ring.current().address(), "the current server left: the next one");

    ring.updateMembers(5, List.of("a:1", "b:2", "c:3"));
    assertEquals(List.of("b:2", "alias:9", "c:3"), ring.servers(),
        "an older configuration (a lagging server's) is ignored");

    ring.updateMembers(7, List.of("a:1", "b:2", "c:3"));
    assertEquals(List.of("b:2", "alias:9", "c:3", "a:1"), ring.servers(), "re-added");
  }

  @Test
  void aRemovedServerLeavesButTheRoundRobinNeverEmpties() {
    ServerRing ring = ring("a:1", "b:2");
    ring.drop(0, "node 1 was removed");
    assertEquals(List.of("b:2"), ring.servers());
    assertEquals("b:2", ring.current().address());
    ring.drop(1, "node 2 was removed");
    assertEquals(List.of("b:2"), ring.servers(), "the last server stays");
    ring.failover(1, "UNAVAILABLE");
    assertEquals("b:2", ring.current().address());
  }
}
