package io.raftkv.server.transport;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.RaftPeerGrpc;
import io.raftkv.api.v1.SnapshotAck;
import io.raftkv.api.v1.SnapshotChunk;
import io.raftkv.raft.message.InstallSnapshot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot to one peer in chunks (InstallSnapshot, §7) and reports whether the peer
 * took it. The last chunk carries a CRC32C of the whole data, so a damaged transfer is refused by
 * the receiver rather than installed.
 */
final class SnapshotSender {
  static final int CHUNK_BYTES = 1 << 20;

  private SnapshotSender() {}

  /** Sends and waits; returns true if the peer acknowledged the whole snapshot. */
  static boolean send(String clusterId, ManagedChannel channel, InstallSnapshot m,
      long timeoutMillis) throws InterruptedException, java.io.IOException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean ok = new AtomicBoolean();
    StreamObserver<SnapshotChunk> out = RaftPeerGrpc.newStub(channel)
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .installSnapshot(new StreamObserver<>() {
          @Override
          public void onNext(SnapshotAck ack) {
            ok.set(ack.getOk());
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    byte[] data = m.snapshot().data().readAllBytes();
    CRC32C crc = new CRC32C();
    crc.update(data);
    int offset = 0;
    do {
      int len = Math.min(CHUNK_BYTES, data.length - offset);
      boolean last = offset + len == data.length;
      SnapshotChunk.Builder c = SnapshotChunk.newBuilder().setClusterId(clusterId)
          .setFrom(m.from()).setTo(m.to()).setTerm(m.term()).setOffset(offset)
          .setData(ByteString.copyFrom(data, offset, len)).setLast(last);
      if (offset == 0) {
        c.setMeta(MessageCodec.encodeMeta(m.snapshot().meta()));
      }
      if (last) {
        c.setCrc32C((int) crc.getValue());
      }
      out.onNext(c.build());
      offset += len;
    } while (offset < data.length);
    out.onCompleted();
    return done.await(timeoutMillis + 1000, TimeUnit.MILLISECONDS) && ok.get();
  }
}
