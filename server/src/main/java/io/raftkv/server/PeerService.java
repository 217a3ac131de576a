package io.raftkv.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.ForwardResponse;
import io.raftkv.api.peer.v1.MessageBatch;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.peer.v1.SendSummary;
import io.raftkv.api.peer.v1.SnapshotAck;
import io.raftkv.api.peer.v1.SnapshotChunk;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.raft.message.Message;
import io.raftkv.server.transport.MessageCodec;
import io.raftkv.server.transport.SnapshotStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer API ({@code raftkv.v1.RaftPeer}) of one server: incoming Raft message streams,
 * snapshot streams, requests forwarded by followers, and this server's own status. Anything from
 * another cluster, or that does not decode, is refused or dropped with a log line; it never
 * reaches the node. A forwarded request must name a member other than this server as its sender,
 * as Raft messages must (the core refuses those from non-members): otherwise it is refused with
 * PERMISSION_DENIED and not applied.
 */
final class PeerService extends RaftPeerGrpc.RaftPeerImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(PeerService.class);

  private final String clusterId;
  private final NodeRuntime runtime;
  private final ForwardedRequests forwarded;
  private final ClusterStatus status;
  private final RaftTracing tracing;
  private final FatalErrors fatal;

  PeerService(String clusterId, NodeRuntime runtime, ForwardedRequests forwarded,
      ClusterStatus status, RaftTracing tracing, FatalErrors fatal) {
    this.fatal = fatal;
    this.clusterId = clusterId;
    this.runtime = runtime;
    this.forwarded = forwarded;
    this.status = status;
    this.tracing = tracing;
  }

  @Override
  public StreamObserver<MessageBatch> send(StreamObserver<SendSummary> out) {
    return new StreamObserver<>() {
      private long received;

      @Override
      public void onNext(MessageBatch batch) {
        if (!clusterId.equals(batch.getClusterId())) {
          out.onError(Status.PERMISSION_DENIED.withDescription("this server belongs to cluster '"
              + clusterId + "', not '" + batch.getClusterId() + "'").asRuntimeException());
          return;
        }
        for (RaftMessage w : batch.getMessagesList()) {
          Message m;
          try {
            m = MessageCodec.decode(w);
          } catch (MalformedPeerInputException e) {
            LOG.warn("dropping an undecodable message: {}", e.getMessage());
            continue;
          }
          received++;
          if (tracing.enabled() && !w.getTraceToken().isEmpty()) {
            tracing.incoming(m, w.getTraceToken().toByteArray()); // merged before the node steps m
          }
          runtime.deliver(m);
        }
      }

      @Override
      public void onError(Throwable t) {
        // The sender went away; it reconnects when it has something to say.
      }

      @Override
      public void onCompleted() {
        out.onNext(SendSummary.newBuilder().setReceived(received).build());
        out.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<SnapshotAck> out) {
    return SnapshotStreams.receiver(clusterId, runtime.id(), runtime::deliver, out);
  }

  @Override
  public void forward(ForwardRequest req, StreamObserver<ForwardResponse> out) {
    if (!clusterId.equals(req.getClusterId())) {
      out.onError(Status.PERMISSION_DENIED.withDescription("forwarded from cluster '"
          + req.getClusterId() + "', this is '" + clusterId + "'").asRuntimeException());
      return;
    }
    int from = req.getFrom();
    // The configuration in force here (thesis §4.1), not a list fixed at start: a learner added
    // since forwards like any follower, a removed member may not.
    io.raftkv.raft.Membership members = runtime.view().membership();
    if (from == runtime.id() || !members.contains(from)) {
      LOG.warn("refusing a request forwarded from server {}, which is not another member {}",
          Integer.toUnsignedString(from), members);
      out.onError(Status.PERMISSION_DENIED.withDescription("forwarded from server "
          + Integer.toUnsignedString(from) + ", which is not another member of cluster '"
          + clusterId + "' " + members).asRuntimeException());
      return;
    }
    KvService.reply(forwarded.serve(req, RequestTrace.current()), out, fatal);
  }

  @Override
  public void localStatus(StatusRequest req, StreamObserver<MemberStatus> out) {
    out.onNext(status.self());
    out.onCompleted();
  }
}
