package io.raftkv.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.RestoredState;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.FileChannelDisk;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartStateTest {

  @Test
  void when_a_node_directory_is_written_then_a_restart_recovers_every_key_as_committed(
      @TempDir Path tmp) {
    RestartState state = RestartState.build(500, 20);
    assertEquals(500L * 20 + sumOfKeyLengths(500), state.rawBytes());
    Path dir = tmp.resolve("node-2");
    state.writeNodeDirectory(dir, "bench", 2);

    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "bench", 2,
        StorageOptions.defaults())) {
      RestoredState restored = storage.restoredState();
      assertEquals(500, restored.snapshot().meta().index());
      assertEquals(500, restored.hardState().commit());
      KvStateMachine kv = new KvStateMachine(KvConfig.defaults());
      kv.restore(restored.snapshot());
      assertEquals(500, kv.size());
      for (int i : new int[] {0, 1, 250, 499}) {
        assertArrayEquals(state.value(i), kv.get(RestartState.key(i)).value(), "key " + i);
      }
      assertFalse(kv.get(RestartState.key(500)).found());
    }
  }

  private static long sumOfKeyLengths(int keys) {
    long sum = 0;
    for (int i = 0; i < keys; i++) {
      sum += RestartState.key(i).length;
    }
    return sum;
  }
}
