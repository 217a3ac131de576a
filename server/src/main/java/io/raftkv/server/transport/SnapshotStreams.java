package io.raftkv.server.transport;

import io.grpc.stub.StreamObserver;
import io.raftkv.api.peer.v1.SnapshotAck;
import io.raftkv.api.peer.v1.SnapshotChunk;
import io.raftkv.raft.message.InstallSnapshot;
import java.util.function.Consumer;

/** Entry point for the peer service to receive snapshot streams. */
public final class SnapshotStreams {
  private SnapshotStreams() {}

  /** A stream observer that reassembles, checks and delivers one snapshot. */
  public static StreamObserver<SnapshotChunk> receiver(String clusterId, int selfId,
      Consumer<? super InstallSnapshot> deliver, StreamObserver<SnapshotAck> reply) {
    return new SnapshotReceiver(clusterId, selfId, deliver::accept, reply);
  }
}
