package io.raftkv.cli;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftkv put|get|delete|status}: one request, to whichever server answers. */
final class KvCommands {
  private KvCommands() {}

  /** The servers to try, in order. */
  static final class Servers {
    @Option(names = "--servers", split = ",", description = "client addresses host:port "
        + "(default: the local cluster, 127.0.0.1:7001..7007)")
    List<String> servers = LocalCluster.clientAddresses(LocalCluster.MAX_NODES);

    @Option(names = "--timeout-ms", description = "per-server timeout (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 3000;

    /**
     * Runs {@code call} against each server in turn until one answers; retryable errors move on.
     * A write is sent with one (client id, op id), so trying it on several servers applies it once.
     */
    <T> T call(Function<KVGrpc.KVBlockingStub, T> call) {
      StatusRuntimeException last = null;
      for (int round = 0; round < 3; round++) {
        for (String s : servers) {
          ManagedChannel ch = NettyChannelBuilder.forTarget(s).usePlaintext().build();
          try {
            return call.apply(KVGrpc.newBlockingStub(ch)
                .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS));
          } catch (StatusRuntimeException e) {
            Status.Code c = e.getStatus().getCode();
            if (c != Status.Code.UNAVAILABLE && c != Status.Code.DEADLINE_EXCEEDED
                && c != Status.Code.RESOURCE_EXHAUSTED) {
              throw e;
            }
            last = e;
          } finally {
            ch.shutdownNow();
          }
        }
      }
      throw last;
    }
  }

  static RequestHeader header() {
    // A one-shot client: a fresh random session, operation 1.
    return RequestHeader.newBuilder().setClientId(new SecureRandom().nextLong()).setOpId(1).build();
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  abstract static class Base implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Override
    public Integer call() {
      try {
        run();
        return 0;
      } catch (StatusRuntimeException e) {
        System.err.println("raftkv: " + e.getStatus().getCode() + ": "
            + e.getStatus().getDescription());
        return 1;
      }
    }

    abstract void run();
  }

  @Command(name = "put", mixinStandardHelpOptions = true, description = "Set a key.")
  static final class Put extends Base {
    @Parameters(index = "0") String key;
    @Parameters(index = "1") String value;

    @Override
    void run() {
      PutRequest req = PutRequest.newBuilder().setHeader(header()).setKey(bytes(key))
          .setValue(bytes(value)).build();
      var r = servers.call(s -> s.put(req));
      System.out.println("OK (index " + r.getHeader().getIndex() + ", leader "
          + r.getHeader().getLeaderId() + ")");
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Read a key.")
  static final class Get extends Base {
    @Parameters(index = "0") String key;

    @Option(names = "--serializable", description = "read the contacted server's state "
        + "(may be stale) instead of a linearizable read")
    boolean serializable;

    @Override
    void run() {
      GetRequest req = GetRequest.newBuilder().setHeader(header()).setKey(bytes(key))
          .setConsistency(serializable ? ReadConsistency.SERIALIZABLE
              : ReadConsistency.LINEARIZABLE).build();
      var r = servers.call(s -> s.get(req));
      if (r.getFound()) {
        System.out.println(r.getValue().toStringUtf8());
      } else {
        System.out.println("(not found)");
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a key.")
  static final class Delete extends Base {
    @Parameters(index = "0") String key;

    @Override
    void run() {
      DeleteRequest req = DeleteRequest.newBuilder().setHeader(header()).setKey(bytes(key))
          .build();
      var r = servers.call(s -> s.delete(req));
      System.out.println(r.getExisted() ? "deleted" : "(not found)");
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show the cluster's members, roles, terms and indexes.")
  static final class StatusCmd extends Base {
    @Override
    void run() {
      System.out.print(table(servers.call(s -> s.status(StatusRequest.getDefaultInstance()))));
    }
  }

  static String table(StatusResponse r) {
    StringBuilder sb = new StringBuilder(String.format("cluster %s  leader %d  term %d%n",
        r.getClusterId(), r.getLeaderId(), r.getTerm()));
    sb.append(String.format("%-4s %-14s %-20s %6s %9s %9s %9s %9s  %s%n", "id", "role", "client",
        "term", "commit", "applied", "match", "lag", "state hash"));
    long maxApplied = r.getMembersList().stream().mapToLong(MemberStatus::getAppliedIndex).max()
        .orElse(0);
    for (MemberStatus m : r.getMembersList()) {
      boolean up = m.getHealthy();
      sb.append(String.format("%-4d %-14s %-20s %6s %9s %9s %9s %9s  %s%n", m.getId(),
          MemberRoles.of(m).name(),
          m.getClientAddress(), up ? m.getTerm() : "-", up ? m.getCommitIndex() : "-",
          up ? m.getAppliedIndex() : "-", m.getMatchIndex() > 0 ? m.getMatchIndex() : "-",
          up ? maxApplied - m.getAppliedIndex() : "-",
          up ? String.format("%016x", m.getStateHash()) : "-"));
    }
    return sb.toString();
  }
}
