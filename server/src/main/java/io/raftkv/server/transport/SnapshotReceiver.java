package io.raftkv.server.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.SnapshotAck;
import io.raftkv.api.v1.SnapshotChunk;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.InstallSnapshot;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reassembles one incoming snapshot stream. Chunks must arrive in order with contiguous offsets,
 * from one sender, for one cluster; the whole must match the CRC32C on the last chunk. Only then
 * is the {@link InstallSnapshot} message handed to the node.
 */
final class SnapshotReceiver implements StreamObserver<SnapshotChunk> {
  /** Refuse snapshots larger than this: a damaged length must not exhaust the heap. */
  static final long MAX_SNAPSHOT_BYTES = 1L << 31;

  private final String clusterId;
  private final int selfId;
  private final Consumer<InstallSnapshot> deliver;
  private final StreamObserver<SnapshotAck> reply;
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private SnapshotChunk first;
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
      first = c;
    }
    try {
      c.getData().writeTo(data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    if (c.getLast()) {
      byte[] bytes = data.toByteArray();
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      if ((int) crc.getValue() != c.getCrc32C()) {
        fail("snapshot data does not match its CRC32C");
        return;
      }
      SnapshotMeta meta = MessageCodec.decodeMeta(first.getMeta());
      deliver.accept(new InstallSnapshot(first.getFrom(), selfId, first.getTerm(),
          new Snapshot(meta, bytes)));
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
