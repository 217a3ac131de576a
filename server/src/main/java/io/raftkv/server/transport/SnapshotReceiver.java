package io.raftkv.server.transport;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.peer.v1.SnapshotAck;
import io.raftkv.api.peer.v1.SnapshotChunk;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.InstallSnapshot;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reassembles one incoming snapshot stream. Chunks must arrive in order with contiguous offsets,
 * from one sender, for one cluster; the whole must match the CRC32C on the last chunk. Only then
 * is the {@link InstallSnapshot} message handed to the node.
 *
 * <p>The snapshot is assembled in memory, the chunks joined without copying ({@link
 * ReceivedSnapshotData}); the node stores it to its snapshot file and then drops this copy. A
 * receiver streaming to a file would save that transient copy; it is not done (yet), since a
 * follower holds a received snapshot only while installing it.
 */
final class SnapshotReceiver implements StreamObserver<SnapshotChunk> {
  /** Refuse snapshots larger than this (a received snapshot is held in memory, in one rope). */
  static final long MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE;

  private final String clusterId;
  private final int selfId;
  private final Consumer<InstallSnapshot> deliver;
  private final StreamObserver<SnapshotAck> reply;
  private final CRC32C crc = new CRC32C();
  private ByteString data = ByteString.EMPTY;
  private SnapshotChunk first;
  private SnapshotMeta meta;
  private boolean finished;

  SnapshotReceiver(String clusterId, int selfId, Consumer<InstallSnapshot> deliver,
      StreamObserver<SnapshotAck> reply) {
    this.clusterId = clusterId;
    this.selfId = selfId;
    this.deliver = deliver;
    this.reply = reply;
  }

  @Override
  public void onNext(SnapshotChunk c) {
    if (finished) {
      return;
    }
    String problem = check(c);
    if (problem != null) {
      fail(problem);
      return;
    }
    if (first == null) {
      try {
        meta = MessageCodec.decodeMeta(c.getMeta());
      } catch (MalformedPeerInputException e) {
        fail(e.getMessage());
        return;
      }
      first = c;
    }
    data = data.concat(c.getData());
    for (ByteBuffer b : c.getData().asReadOnlyByteBufferList()) {
      crc.update(b);
    }
    if (c.getLast()) {
      if ((int) crc.getValue() != c.getCrc32C()) {
        fail("snapshot data does not match its CRC32C");
        return;
      }
      deliver.accept(new InstallSnapshot(first.getFrom(), selfId, first.getTerm(),
          new Snapshot(meta, new ReceivedSnapshotData(data))));
      finished = true;
      reply.onNext(SnapshotAck.newBuilder().setOk(true).build());
      reply.onCompleted();
    }
  }

  private String check(SnapshotChunk c) {
    if (!clusterId.equals(c.getClusterId())) {
      return "snapshot from cluster '" + c.getClusterId() + "', this is '" + clusterId + "'";
    }
    if (c.getTo() != selfId) {
      return "snapshot addressed to " + c.getTo() + ", this is " + selfId;
    }
    if (first == null && (!c.hasMeta() || c.getOffset() != 0 || c.getMeta().getIndex() == 0)) {
      return "the first snapshot chunk must start at offset 0 and carry the metadata";
    }
    if (first != null && (c.getFrom() != first.getFrom() || c.getTerm() != first.getTerm())) {
      return "snapshot chunks from different senders or terms in one stream";
    }
    if (c.getOffset() != data.size()) {
      return "snapshot chunk at offset " + c.getOffset() + ", expected " + data.size();
    }
    if (data.size() + (long) c.getData().size() > MAX_SNAPSHOT_BYTES) {
      return "snapshot larger than " + MAX_SNAPSHOT_BYTES + " bytes";
    }
    return null;
  }

  private void fail(String problem) {
    finished = true;
    reply.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
  }

  @Override
  public void onError(Throwable t) {
    finished = true;
  }

  @Override
  public void onCompleted() {
    if (!finished) {
      fail("snapshot stream ended before its last chunk");
    }
  }
}
