package io.raftkv.client;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.ClusterGrpc;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.LeaderTransferRequest;
import io.raftkv.api.v1.LeaderTransferResponse;
import io.raftkv.api.v1.Member;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberChangeResponse;
import io.raftkv.api.v1.MemberListRequest;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.MemberProgress;
import io.raftkv.api.v1.MemberPromoteRequest;
import io.raftkv.api.v1.MemberRemoveRequest;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake cluster for membership: in-process servers answering Status, Put and the Cluster API
 * from one shared configuration (members, configuration index, leader). Members added get a
 * server of their own; a removed member's server answers UNAVAILABLE "node N was removed", as
 * the real one does. Cluster calls can be scripted to fail with given statuses first.
 */
final class MembershipFake implements AutoCloseable {
  private final String prefix = "member-fake-" + UUID.randomUUID();
  private final Map<Integer, Member> members = new LinkedHashMap<>(); // guarded by this
  private final Map<Integer, Server> servers = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Deque<Status> scripted = new ArrayDeque<>(); // guarded by this
  private final Map<Integer, Boolean> removed = new ConcurrentHashMap<>();
  private long configIndex = 1; // guarded by this
  private int leader = 1; // guarded by this
  private int hangNext; // guarded by this: cluster calls to apply, then never answer

  MembershipFake(int size) {
    for (int id = 1; id <= size; id++) {
      members.put(id, member(id, false));
      startServer(id);
    }
  }

  String address(int id) {
    return prefix + "-" + id + ":" + (7000 + id);
  }

  ChannelFactory channels() {
    return InProcessChannelBuilder::forName;
  }

  /** Cluster and put calls server {@code id} received (Status calls not counted). */
  int calls(int id) {
    return calls.computeIfAbsent(id, k -> new AtomicInteger()).get();
  }

  /** The next cluster calls fail with these statuses, in order. */
  synchronized void failNext(Status... statuses) {
    scripted.addAll(List.of(statuses));
  }

  /** The next {@code n} cluster calls take effect but are never answered. */
  synchronized void applyThenHang(int n) {
    hangNext = n;
  }

  synchronized long configIndex() {
    return configIndex;
  }

  /** Adds a voter directly (as another client would), starting its server. */
  synchronized void addVoter(int id) {
    members.put(id, member(id, false));
    configIndex++;
    startServer(id);
  }

  /** Makes member {@code id} the leader. */
  synchronized void leader(int id) {
    leader = id;
  }

  /** Removes a member directly; its server then answers that it was removed. */
  synchronized void remove(int id) {
    members.remove(id);
    removed.put(id, true);
    configIndex++;
    if (leader == id) {
      leader = members.keySet().iterator().next();
    }
  }

  /** Stops server {@code id}: connections to it fail. */
  void stop(int id) {
    Server s = servers.remove(id);
    if (s != null) {
      s.shutdownNow();
    }
  }

  @Override
  public void close() {
    List.copyOf(servers.keySet()).forEach(this::stop);
  }

  private Member member(int id, boolean learner) {
    return Member.newBuilder().setId(id).setClientAddress(address(id))
        .setPeerAddress("127.0.0.1:" + (7100 + id)).setLearner(learner).build();
  }

  private void startServer(int id) {
    try {
      servers.put(id, InProcessServerBuilder.forName(address(id)).addService(new Kv(id))
          .addService(new Cluster(id)).build().start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized ResponseHeader header(int id) {
    return ResponseHeader.newBuilder().setServerId(id).setLeaderId(leader).build();
  }

  /** The refusal a call to {@code id} gets before anything else, or null. */
  private synchronized Status refusal(int id, boolean count) {
    if (count) {
      calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }
    if (removed.containsKey(id)) {
      return Status.UNAVAILABLE.withDescription("node " + id + " was removed from the cluster");
    }
    return null;
  }

  private final class Kv extends KVGrpc.KVImplBase {
    private final int id;

    Kv(int id) {
      this.id = id;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> answer) {
      Status refused = refusal(id, false);
      if (refused != null) {
        answer.onError(refused.asRuntimeException());
        return;
      }
      StatusResponse.Builder b = StatusResponse.newBuilder().setHeader(header(id))
          .setClusterId("fake");
      synchronized (MembershipFake.this) {
        b.setLeaderId(leader).setConfigIndex(configIndex);
        for (Member m : members.values()) {
          b.addMembers(MemberStatus.newBuilder().setId(m.getId())
              .setClientAddress(m.getClientAddress()).setLearner(m.getLearner()));
        }
      }
      answer.onNext(b.build());
      answer.onCompleted();
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> answer) {
      Status refused = refusal(id, true);
      if (refused != null) {
        answer.onError(refused.asRuntimeException());
        return;
      }
      answer.onNext(PutResponse.newBuilder().setHeader(header(id)).build());
      answer.onCompleted();
    }
  }

  private final class Cluster extends ClusterGrpc.ClusterImplBase {
    private final int id;

    Cluster(int id) {
      this.id = id;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> answer) {
      if (refused(answer)) {
        return;
      }
      MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(header(id));
      synchronized (MembershipFake.this) {
        b.setConfigIndex(configIndex).setConfigCommitted(true).addAllMembers(members.values())
            .setLeaderLastIndex(100);
        for (int m : members.keySet()) {
          if (m != leader) {
            b.addProgress(MemberProgress.newBuilder().setId(m).setMatchIndex(90 + m));
          }
        }
      }
      answer.onNext(b.build());
      answer.onCompleted();
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberChangeResponse> answer) {
      if (refused(answer) || mismatch(request.hasExpectedConfigIndex(),
          request.getExpectedConfigIndex(), answer)) {
        return;
      }
      Member m = request.getMember();
      synchronized (MembershipFake.this) {
        if (members.containsKey(m.getId())) {
          answer.onError(Status.INVALID_ARGUMENT.withDescription("INVALID_CHANGE: member "
              + m.getId() + " is already a member").asRuntimeException());
          return;
        }
        members.put(m.getId(), m.toBuilder().setLearner(true).build());
        configIndex++;
        startServer(m.getId());
      }
      changed(answer);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request,
        StreamObserver<MemberChangeResponse> answer) {
      if (refused(answer) || mismatch(request.hasExpectedConfigIndex(),
          request.getExpectedConfigIndex(), answer)) {
        return;
      }
      synchronized (MembershipFake.this) {
        Member m = members.get(request.getId());
        if (m == null || !m.getLearner()) {
          answer.onError(Status.INVALID_ARGUMENT.withDescription("INVALID_CHANGE: member "
              + request.getId() + " is not a learner").asRuntimeException());
          return;
        }
        members.put(m.getId(), m.toBuilder().setLearner(false).build());
        configIndex++;
      }
      changed(answer);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request,
        StreamObserver<MemberChangeResponse> answer) {
      if (refused(answer) || mismatch(request.hasExpectedConfigIndex(),
          request.getExpectedConfigIndex(), answer)) {
        return;
      }
      synchronized (MembershipFake.this) {
        if (!members.containsKey(request.getId())) {
          answer.onError(Status.INVALID_ARGUMENT.withDescription("INVALID_CHANGE: "
              + request.getId() + " is not a member").asRuntimeException());
          return;
        }
        remove(request.getId());
      }
      changed(answer);
    }

    @Override
    public void leaderTransfer(LeaderTransferRequest request,
        StreamObserver<LeaderTransferResponse> answer) {
      if (refused(answer)) {
        return;
      }
      synchronized (MembershipFake.this) {
        leader = request.getTargetId();
      }
      answer.onNext(LeaderTransferResponse.newBuilder().setHeader(header(id)).build());
      answer.onCompleted();
    }

    private boolean refused(StreamObserver<?> answer) {
      Status refused = refusal(id, true);
      synchronized (MembershipFake.this) {
        if (refused == null) {
          refused = scripted.poll();
        }
      }
      if (refused != null) {
        answer.onError(refused.asRuntimeException());
        return true;
      }
      return false;
    }

    private boolean mismatch(boolean expected, long index, StreamObserver<?> answer) {
      synchronized (MembershipFake.this) {
        if (expected && index != configIndex) {
          answer.onError(Status.FAILED_PRECONDITION.withDescription("CONFIG_INDEX_MISMATCH: "
              + "expected configuration " + index + ", in force " + configIndex)
              .asRuntimeException());
          return true;
        }
      }
      return false;
    }

    private void changed(StreamObserver<MemberChangeResponse> answer) {
      MemberChangeResponse r;
      synchronized (MembershipFake.this) {
        if (hangNext > 0) {
          hangNext--;
          return;
        }
        r = MemberChangeResponse.newBuilder().setHeader(header(id)).setConfigIndex(configIndex)
            .addAllMembers(members.values()).build();
      }
      answer.onNext(r);
      answer.onCompleted();
    }
  }
}
