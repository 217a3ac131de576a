package io.raftkv.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.peer.v1.SnapshotAck;
import io.raftkv.api.peer.v1.SnapshotChunk;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.server.HostPort;
import io.raftkv.storage.CorruptStorageException;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * InstallSnapshot over real gRPC from a snapshot the storage keeps in its file: the peer gets the
 * exact bytes; a file replaced by a newer snapshot or damaged on disk fails the send cleanly (an
 * error naming the file, the peer installs nothing, the transport reports the failure) and never
 * sends bytes that are not the snapshot's.
 */
class SnapshotTransferTest {
  private static final String CLUSTER = "transfer-test";
  private static final List<Integer> VOTERS = List.of(1, 2);

  @TempDir
  Path tmp;

  private final BlockingQueue<InstallSnapshot> delivered = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> streamErrors = new LinkedBlockingQueue<>();
  private Server peer;
  private ManagedChannel channel;
  private RaftStorage storage;

  @BeforeEach
  void up() throws IOException {
    peer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new RaftPeerGrpc.RaftPeerImplBase() {
          @Override
          public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<SnapshotAck> out) {
            StreamObserver<SnapshotChunk> receiver =
                SnapshotStreams.receiver(CLUSTER, 2, delivered::add, out);
            return new StreamObserver<>() { // records how the stream ended, for the tests
              @Override
              public void onNext(SnapshotChunk c) {
                receiver.onNext(c);
              }

              @Override
              public void onError(Throwable t) {
                streamErrors.add(t);
                receiver.onError(t);
              }

              @Override
              public void onCompleted() {
                receiver.onCompleted();
              }
            };
          }
        }).maxInboundMessageSize(64 << 20).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", peer.getPort()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    storage = RaftStorage.open(new FileChannelDisk(), tmp.resolve("node-1"), CLUSTER, 1,
        StorageOptions.defaults());
    storage.save(new HardState(1, 1, 0), List.of(), null, true);
  }

  @AfterEach
  void down() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    peer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    storage.close();
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** A snapshot taken the way the server takes one: streamed into the file, handed out file-backed. */
  private Snapshot take(long index, byte[] data) {
    return storage.compact(new SnapshotMeta(index, 1, VOTERS), data.length, out -> out.write(data));
  }

  private Path file(long index) throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("node-1"))) {
      return files.filter(p -> p.getFileName().toString().startsWith(
          String.format("snap-%016x", index))).findFirst().orElseThrow();
    }
  }

  @Test
  void when_a_file_backed_snapshot_is_sent_then_the_peer_receives_exactly_its_bytes()
      throws Exception {
    byte[] data = bytes(3 * SnapshotSender.CHUNK_BYTES + 12345, 1);
    Snapshot snap = take(10, data);
    assertTrue(SnapshotSender.send(CLUSTER, channel, new InstallSnapshot(1, 2, 1, snap), 30_000));
    InstallSnapshot got = delivered.poll(10, TimeUnit.SECONDS);
    assertNotNull(got);
    assertEquals(snap.meta(), got.snapshot().meta());
    assertArrayEquals(data, got.snapshot().data().readAllBytes());
  }

  @Test
  void when_a_newer_snapshot_replaced_the_file_then_the_send_fails_saying_so_and_nothing_is_installed()
      throws Exception {
    Snapshot old = take(10, bytes(100_000, 2));
    take(20, bytes(100_000, 3));
    IOException e = assertThrows(IOException.class,
        () -> SnapshotSender.send(CLUSTER, channel, new InstallSnapshot(1, 2, 1, old), 30_000));
    assertTrue(e.getMessage().contains("is gone: a newer snapshot replaced it"), e.getMessage());
    assertTrue(delivered.isEmpty());
  }

  @Test
  void when_the_file_is_damaged_then_the_send_fails_naming_it_before_the_last_chunk_leaves()
      throws Exception {
    byte[] data = bytes(2 * SnapshotSender.CHUNK_BYTES + 999, 4);
    Snapshot snap = take(10, data);
    Path file = file(10);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 500); // in the last chunk's data
      int b = f.read();
      f.seek(f.length() - 500);
      f.write(b ^ 0x10);
    }
    CorruptStorageException e = assertThrows(CorruptStorageException.class,
        () -> SnapshotSender.send(CLUSTER, channel, new InstallSnapshot(1, 2, 1, snap), 30_000));
    assertEquals(file, e.file());
    // The peer saw the first chunks and then a cancelled stream: it installs nothing.
    assertNotNull(streamErrors.poll(10, TimeUnit.SECONDS));
    assertTrue(delivered.isEmpty());
  }

  @Test
  void when_the_transport_cannot_read_a_snapshot_then_it_reports_the_failure_and_goes_on()
      throws Exception {
    BlockingQueue<Boolean> reports = new LinkedBlockingQueue<>();
    PeerTransport transport = new PeerTransport(CLUSTER, 1,
        Map.of(2, new HostPort("127.0.0.1", peer.getPort())), new PeerTransport.Reports() {
          @Override
          public void unreachable(int p) {}

          @Override
          public void snapshotDone(int p, boolean ok) {
            reports.add(ok);
          }
        }, 30_000);
    try {
      Snapshot old = take(10, bytes(50_000, 5));
      Snapshot newer = take(20, bytes(60_000, 6));
      transport.send(List.of(new InstallSnapshot(1, 2, 1, old)));
      assertEquals(Boolean.FALSE, reports.poll(10, TimeUnit.SECONDS));
      assertTrue(delivered.isEmpty());
      transport.send(List.of(new InstallSnapshot(1, 2, 1, newer))); // the core's retry
      assertEquals(Boolean.TRUE, reports.poll(10, TimeUnit.SECONDS));
      InstallSnapshot got = delivered.poll(10, TimeUnit.SECONDS);
      assertNotNull(got);
      assertEquals(20, got.snapshot().meta().index());
      assertArrayEquals(bytes(60_000, 6), got.snapshot().data().readAllBytes());
      assertFalse(reports.poll(200, TimeUnit.MILLISECONDS) != null, "one report per send");
    } finally {
      transport.close();
    }
  }
}
