package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** grpc.health.v1.Health and server reflection on the client port of in-JVM servers. */
class HealthAndReflectionTest {
  private static final String KV = "raftkv.v1.KV";

  @Test
  @Timeout(60)
  void oneNodeServesOnceItLeads(@TempDir Path dir) throws Exception {
    int[] ports = LocalCluster.freePorts(2);
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    ManagedChannel ch = channel(ports[0]);
    try (RaftKvServer server = RaftKvServer.start(config(ports), 1, dir.resolve("n1"),
        fatal::set)) {
      awaitStatus(ch, "", ServingStatus.SERVING);
      awaitStatus(ch, KV, ServingStatus.SERVING);
      assertTrue(server.runtime().view().isLeader());
      // An unknown service is NOT_FOUND, as the health protocol says.
      try {
        check(ch, "raftkv.v1.NoSuch");
        throw new AssertionError("NOT_FOUND expected");
      } catch (StatusRuntimeException e) {
        assertEquals(io.grpc.Status.Code.NOT_FOUND, e.getStatus().getCode());
      }

      Set<String> services = listServices(ch);
      assertTrue(services.contains(KV), services.toString());
      assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
      assertFalse(services.stream().anyMatch(s -> s.startsWith("raftkv.peer.")),
          "the peer protocol is not on the client port: " + services);
      // grpcurl describes a service from its file: reflection must hand out kv.proto.
      ServerReflectionResponse file = reflect(ch, ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol(KV).build());
      assertTrue(file.getFileDescriptorResponse().getFileDescriptorProtoCount() > 0,
          file.toString());
    } finally {
      ch.shutdownNow();
    }
    assertNull(fatal.get());
  }

  @Test
  @Timeout(90)
  void aMemberWithoutAMajorityIsNotServingUntilALeaderIsKnown(@TempDir Path dir)
      throws Exception {
    int[] ports = LocalCluster.freePorts(6);
    ClusterConfig config = config(ports);
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    ManagedChannel ch = channel(ports[0]);
    List<RaftKvServer> servers = new ArrayList<>();
    try {
      servers.add(RaftKvServer.start(config, 1, dir.resolve("n1"), fatal::set));
      // 1 of 3: no election can succeed, so no leader becomes known.
      assertEquals(ServingStatus.NOT_SERVING, check(ch, ""));
      Thread.sleep(1500);
      assertEquals(ServingStatus.NOT_SERVING, check(ch, ""));
      assertEquals(ServingStatus.NOT_SERVING, check(ch, KV));
      servers.add(RaftKvServer.start(config, 2, dir.resolve("n2"), fatal::set));
      servers.add(RaftKvServer.start(config, 3, dir.resolve("n3"), fatal::set));
      awaitStatus(ch, "", ServingStatus.SERVING);
      awaitStatus(ch, KV, ServingStatus.SERVING);
      // Closing: NOT_SERVING for good (a watcher would see it before the port goes away).
      servers.get(0).close();
    } finally {
      ch.shutdownNow();
      servers.forEach(RaftKvServer::close);
    }
    assertNull(fatal.get());
  }

  private static ServingStatus check(ManagedChannel ch, String service) {
    return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static void awaitStatus(ManagedChannel ch, String service, ServingStatus want)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ServingStatus s = null;
    while (System.nanoTime() < deadline) {
      s = check(ch, service);
      if (s == want) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("service '" + service + "' is " + s + ", not " + want);
  }

  private static Set<String> listServices(ManagedChannel ch) throws Exception {
    Set<String> names = new TreeSet<>();
    for (ServiceResponse s : reflect(ch, ServerReflectionRequest.newBuilder()
        .setListServices("").build()).getListServicesResponse().getServiceList()) {
      names.add(s.getName());
    }
    return names;
  }

  private static ServerReflectionResponse reflect(ManagedChannel ch, ServerReflectionRequest req)
      throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(ch)
        .serverReflectionInfo(Unary.into(answer));
    out.onNext(req);
    ServerReflectionResponse r = answer.get(10, TimeUnit.SECONDS);
    out.onCompleted();
    return r;
  }

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** Members 1..n, member i on client port ports[2(i-1)] and peer port ports[2(i-1)+1]. */
  private static ClusterConfig config(int[] ports) {
    StringBuilder json = new StringBuilder("{\"clusterId\": \"health\", \"members\": [");
    for (int i = 0; i < ports.length / 2; i++) {
      json.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i + 1)
          .append(", \"clientAddress\": \"127.0.0.1:").append(ports[2 * i])
          .append("\", \"peerAddress\": \"127.0.0.1:").append(ports[2 * i + 1]).append("\"}");
    }
    return ClusterConfigLoader.parse(json.append("]}").toString());
  }

}
