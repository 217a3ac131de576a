package io.raftkv.server;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.v1.ClusterGrpc;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.Member;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberListRequest;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.StatusRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a server joining a running cluster: asks the given members for the configuration
 * in force (MemberList, answered by the leader), so the new node can answer the leader before its
 * own log holds that configuration, and, if it is not yet a member, asks to be added as a learner
 * (MemberAdd, thesis §4.2.1). Catching up is then the leader's job, as for any follower.
 */
final class Joiner {
  private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);
  private static final long CALL_MILLIS = 5_000;
  private static final long RETRY_MILLIS = 200;

  private final String clusterId;
  private final int id;
  private final JoinOptions join;

  Joiner(String clusterId, int id, JoinOptions join) {
    this.clusterId = clusterId;
    this.id = id;
    this.join = join;
  }

  /**
   * Learns the members and makes sure this node is one; returns every member's addresses.
   *
   * @throws ConfigException if no member answers in time, the cluster is another one, or this
   *     node's id belongs to another member (ids are never reused)
   */
  Map<Integer, MemberAddresses> run() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(join.timeoutMillis());
    List<String> failures = new ArrayList<>();
    while (true) {
      for (HostPort target : join.existing()) {
        ManagedChannel ch = NettyChannelBuilder.forTarget(target.target()).usePlaintext().build();
        try {
          return joinThrough(ch, target);
        } catch (StatusRuntimeException e) {
          failures.add(target + ": " + e.getStatus().getCode() + " "
              + e.getStatus().getDescription());
          if (!retryable(e.getStatus().getCode())) {
            throw new ConfigException("cannot join through " + target + ": "
                + e.getStatus().getDescription());
          }
        } finally {
          ch.shutdownNow();
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new ConfigException("cannot join cluster '" + clusterId + "': no member answered"
            + " within " + join.timeoutMillis() + " ms; last answers: "
            + String.join("; ", failures.subList(Math.max(0, failures.size()
                - join.existing().size()), failures.size())));
      }
      sleep();
    }
  }

  private Map<Integer, MemberAddresses> joinThrough(ManagedChannel ch, HostPort target) {
    String theirs = KVGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_MILLIS,
        TimeUnit.MILLISECONDS).status(StatusRequest.getDefaultInstance()).getClusterId();
    if (!clusterId.equals(theirs)) {
      throw new ConfigException(target + " belongs to cluster '" + theirs + "', not '" + clusterId
          + "' (check --cluster and --join)");
    }
    ClusterGrpc.ClusterBlockingStub cluster = ClusterGrpc.newBlockingStub(ch);
    MemberListResponse list = cluster.withDeadlineAfter(CALL_MILLIS, TimeUnit.MILLISECONDS)
        .memberList(MemberListRequest.getDefaultInstance());
    Map<Integer, MemberAddresses> members = addresses(list);
    MemberAddresses mine = members.get(id);
    if (mine != null && !mine.equals(join.self())) {
      throw new ConfigException("node id " + id + " already belongs to a member of cluster '"
          + clusterId + "' at " + mine.encode() + "; ids are never reused: join with an id no"
          + " member has, or remove member " + id + " first if it is this machine");
    }
    if (mine != null || list.getMembersList().stream().anyMatch(m -> m.getId() == id)) {
      LOG.info("node {} is already a member of cluster '{}' (configuration index {}); catching up",
          id, clusterId, list.getConfigIndex());
      return members;
    }
    Member me = Member.newBuilder().setId(id).setPeerAddress(join.self().peer().target())
        .setClientAddress(join.self().client().target()).setLearner(true)
        .setAutoPromote(join.autoPromote()).build();
    var added = cluster.withDeadlineAfter(CALL_MILLIS * 2, TimeUnit.MILLISECONDS)
        .memberAdd(MemberAddRequest.newBuilder().setMember(me)
            .setExpectedConfigIndex(list.getConfigIndex()).build());
    LOG.info("node {} was added to cluster '{}' as a learner{} (configuration index {})", id,
        clusterId, join.autoPromote() ? ", promoted by the leader once caught up" : "",
        added.getConfigIndex());
    members.put(id, join.self());
    return members;
  }

  private static Map<Integer, MemberAddresses> addresses(MemberListResponse list) {
    Map<Integer, MemberAddresses> out = new TreeMap<>();
    for (Member m : list.getMembersList()) {
      try {
        out.put(m.getId(), new MemberAddresses(HostPort.parse(m.getPeerAddress()),
            HostPort.parse(m.getClientAddress())));
      } catch (IllegalArgumentException e) {
        LOG.warn("member {} has no usable addresses in the configuration: {}", m.getId(),
            e.getMessage());
      }
    }
    return out;
  }

  /**
   * Worth asking again (or another member): no leader yet, a change or transfer under way, a
   * member down, a stale configuration index (another change went first).
   */
  private static boolean retryable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.UNKNOWN;
  }

  private static void sleep() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("interrupted while joining");
    }
  }
}
