package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SnapshotDataTest {

  @Test
  void when_in_memory_data_is_opened_twice_then_each_stream_reads_all_bytes_from_the_start()
      throws IOException {
    SnapshotData d = SnapshotData.of(new byte[] {1, 2, 3});
    assertEquals(3, d.sizeBytes());
    try (InputStream a = d.open(); InputStream b = d.open()) {
      assertEquals(1, a.read());
      assertArrayEquals(new byte[] {1, 2, 3}, b.readAllBytes());
      assertArrayEquals(new byte[] {2, 3}, a.readAllBytes());
      assertEquals(-1, a.read());
    }
  }

  @Test
  void when_all_bytes_are_read_then_a_copy_is_returned() throws IOException {
    byte[] bytes = {4, 5};
    SnapshotData d = SnapshotData.of(bytes);
    byte[] read = d.readAllBytes();
    assertArrayEquals(bytes, read);
    assertNotSame(bytes, read);
  }

  @Test
  void when_data_is_null_then_refused() {
    assertThrows(NullPointerException.class, () -> SnapshotData.of(null));
  }
}
