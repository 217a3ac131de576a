package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.RequestHeader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 1: distinct clients each putting a distinct 1 MiB value to one key. Every
 * session keeps its answer (the 1 MiB previous value), and the log held every entry until 10,000
 * were applied: with the 512 MiB heap {@code raftkv cluster up} gives its servers, two of three
 * died of OutOfMemoryError after about 240 puts. Now the answers share a 64 MiB budget and the
 * log is snapshotted by bytes: every put is answered correctly and every server stays up.
 */
class BigAnswersTest {
  private static final int PUTS = 400; // 400 MiB of answers alone: more than the heap
  private static final int MIB = 1 << 20;

  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  private static ByteString value(int i) {
    byte[] v = new byte[MIB];
    Arrays.fill(v, (byte) i);
    v[0] = (byte) (i >> 8); // distinct for every i below 65,536
    return ByteString.copyFrom(v);
  }

  @Test
  void when_distinct_clients_put_1_mib_values_to_one_key_then_cluster_stays_up_and_answers()
      throws Exception {
    List<String> jvm = new ArrayList<>(LocalCluster.DEFAULT_JVM_OPTIONS); // the 512 MiB heap
    jvm.add("-XX:TieredStopAtLevel=1");
    c = RealCluster.create(tmp, "BigAnswersTest", 3, RealCluster.FAST, jvm);
    for (int id = 1; id <= 3; id++) {
      c.start(id);
    }
    c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    List<RequestHeader> headers = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    for (int i = 0; i < PUTS; i++) {
      RequestHeader h = RealCluster.freshHeader(); // a new client for every put
      PutRequest req = PutRequest.newBuilder().setHeader(h).setKey(RealCluster.bytes("big"))
          .setValue(value(i)).build();
      PutResponse r = c.call(1 + i % 3, stub -> stub.put(req));
      assertFalse(r.getPreviousUnknown(), "put " + i);
      assertEquals(i > 0, r.getHadPrevious(), "put " + i);
      if (i > 0) {
        assertEquals(value(i - 1), r.getPrevious(), "put " + i + "'s previous value");
      }
      headers.add(h);
      indexes.add(r.getHeader().getIndex());
    }
    // The first client retries: applied once, at its index, its previous value no longer kept.
    PutRequest first = PutRequest.newBuilder().setHeader(headers.get(1))
        .setKey(RealCluster.bytes("big")).setValue(value(1)).build();
    PutResponse retry = c.call(1, stub -> stub.put(first));
    assertTrue(retry.getPreviousUnknown(), retry.toString());
    assertFalse(retry.getHadPrevious());
    assertEquals(indexes.get(1), retry.getHeader().getIndex());
    // The last client's answer is recent enough to be kept whole.
    PutRequest last = PutRequest.newBuilder().setHeader(headers.get(PUTS - 1))
        .setKey(RealCluster.bytes("big")).setValue(value(PUTS - 1)).build();
    PutResponse lastRetry = c.call(2, stub -> stub.put(last));
    assertFalse(lastRetry.getPreviousUnknown());
    assertEquals(value(PUTS - 2), lastRetry.getPrevious());
    for (int id = 1; id <= 3; id++) {
      int node = id;
      byte[] got = c.call(node, stub -> stub.get(GetRequest.newBuilder()
          .setKey(RealCluster.bytes("big")).build())).getValue().toByteArray();
      assertArrayEquals(value(PUTS - 1).toByteArray(), got, "node " + node + " reads the last put");
    }
    assertTrue(c.status(1).isPresent() && c.status(2).isPresent() && c.status(3).isPresent(),
        "every server is up:\n" + c.logTails());
  }
}
