package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.Role;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13.5: Status asked every other member with a 500 ms deadline on every call, so with one
 * member paused (it accepts connections and never answers, as a SIGSTOPped process does) every
 * Status took half a second and a monitor polling with a shorter deadline saw nothing. A member
 * that did not answer last time is now shown UNREACHABLE at once, asked again in the background.
 */
class StatusPausedMemberTest {
  @Test
  @Timeout(120)
  void when_a_member_never_answers_then_status_is_answered_at_once_and_shows_it_unreachable(
      @TempDir Path dir) throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, "")) {
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      int paused = leader == 3 ? 2 : 3;
      int asked = 6 - leader - paused;
      c.stop(paused);
      InetSocketAddress at = new InetSocketAddress("127.0.0.1",
          c.config.member(paused).orElseThrow().peerAddress().port());
      // A member that takes every call and never answers: a paused process.
      Server silent = NettyServerBuilder.forAddress(at).addService(new RaftPeerGrpc.RaftPeerImplBase() {
        @Override
        public void localStatus(StatusRequest req, StreamObserver<MemberStatus> out) {
          // never answers
        }
      }).build().start();
      try {
        c.kv(asked).status(StatusRequest.getDefaultInstance()); // learns it does not answer
        for (int i = 0; i < 5; i++) {
          StatusResponse s = c.kv(asked).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
              .status(StatusRequest.getDefaultInstance());
          MemberStatus m = LocalCluster.memberOf(s, paused);
          assertEquals(Role.UNREACHABLE, MemberRoles.of(m), s.toString());
          assertTrue(!m.getHealthy());
          assertTrue(LocalCluster.memberOf(s, leader).getHealthy(), s.toString());
        }
      } finally {
        silent.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      c.start(paused);
      // Back: the background question finds it again.
      LocalCluster.await(Duration.ofSeconds(30), "member " + paused + " shown healthy again",
          () -> LocalCluster.memberOf(c.kv(asked).status(StatusRequest.getDefaultInstance()),
              paused).getHealthy() ? true : null);
    }
  }
}
