package io.raftkv.server.transport;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.peer.v1.SnapshotAck;
import io.raftkv.api.peer.v1.SnapshotChunk;
import io.raftkv.raft.SnapshotData;
import io.raftkv.raft.message.InstallSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot to one peer in chunks (InstallSnapshot, §7) and reports whether the peer
 * took it. The last chunk carries a CRC32C of the whole data, so a damaged transfer is refused by
 * the receiver rather than installed.
 *
 * <p>The data is read through its {@link SnapshotData} handle one chunk at a time, as gRPC's flow
 * control lets chunks leave (a 118 MB snapshot is never in memory here, nor queued in gRPC's
 * buffers). The last chunk leaves only after the handle has seen the end of the data, which is
 * where a file-backed handle checks its file's checksum; if reading fails (the file was replaced
 * by a newer snapshot before it was opened, or is damaged) the call is cancelled, so the peer
 * installs nothing, and the error goes to the caller, which reports the snapshot as failed.
 */
final class SnapshotSender {
  static final int CHUNK_BYTES = 1 << 20;

  private SnapshotSender() {}

  /**
   * Sends and waits; returns true if the peer acknowledged the whole snapshot, false if the peer
   * refused it, could not be reached or the deadline passed.
   *
   * @throws IOException if the snapshot's data could not be read (nothing was installed)
   */
  static boolean send(String clusterId, ManagedChannel channel, InstallSnapshot m,
      long timeoutMillis) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Call call = new Call();
    RaftPeerGrpc.newStub(channel).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .installSnapshot(call);
    SnapshotData data = m.snapshot().data();
    long size = data.sizeBytes();
    boolean allSent = false;
    try (InputStream in = data.open()) {
      CRC32C crc = new CRC32C();
      long offset = 0;
      do {
        int want = (int) Math.min(CHUNK_BYTES, size - offset);
        byte[] chunk = in.readNBytes(want);
        if (chunk.length < want) {
          throw new IOException("snapshot data of " + m.snapshot() + " ended after "
              + (offset + chunk.length) + " of its " + size + " bytes");
        }
        boolean last = offset + chunk.length == size;
        if (last && in.read() != -1) { // the end, where a file-backed handle checks its CRC
          throw new IOException("snapshot data of " + m.snapshot() + " is longer than its "
              + size + " bytes");
        }
        crc.update(chunk);
        SnapshotChunk.Builder c = SnapshotChunk.newBuilder().setClusterId(clusterId)
            .setFrom(m.from()).setTo(m.to()).setTerm(m.term()).setOffset(offset)
            .setData(UnsafeByteOperations.unsafeWrap(chunk)).setLast(last); // chunk is ours alone
        if (offset == 0) {
          c.setMeta(MessageCodec.encodeMeta(m.snapshot().meta()));
        }
        if (last) {
          c.setCrc32C((int) crc.getValue());
        }
        if (!call.awaitReady(deadline)) {
          return false; // the peer went away, refused, or is too slow: the finally cancels
        }
        call.requests.onNext(c.build());
        offset += chunk.length;
      } while (offset < size);
      call.requests.onCompleted();
      allSent = true;
    } finally {
      if (!allSent) {
        call.cancel();
      }
    }
    return call.awaitAck(deadline + TimeUnit.SECONDS.toNanos(1));
  }

  /** One InstallSnapshot call: its request stream, readiness and outcome. */
  private static final class Call implements ClientResponseObserver<SnapshotChunk, SnapshotAck> {
    private ClientCallStreamObserver<SnapshotChunk> requests;
    private boolean ok;
    private boolean done;

    @Override
    public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public synchronized void onNext(SnapshotAck ack) {
      ok = ack.getOk();
    }

    @Override
    public synchronized void onError(Throwable t) {
      done = true;
      notifyAll();
    }

    @Override
    public synchronized void onCompleted() {
      done = true;
      notifyAll();
    }

    private synchronized void wake() {
      notifyAll();
    }

    /** Waits until gRPC takes another chunk; false if the call ended or the deadline passed. */
    synchronized boolean awaitReady(long deadlineNanos) throws InterruptedException {
      while (!done && !requests.isReady()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return !done;
    }

    /** Waits for the peer's answer; true if it acknowledged the snapshot. */
    synchronized boolean awaitAck(long deadlineNanos) throws InterruptedException {
      while (!done) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return ok;
    }

    void cancel() {
      requests.cancel("the snapshot could not be sent whole", null);
    }
  }
}
