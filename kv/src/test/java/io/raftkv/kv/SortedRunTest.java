package io.raftkv.kv;

import static io.raftkv.kv.Driver.b;
import static io.raftkv.kv.Driver.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedRunTest {
  private static final byte[][] KEYS = {b("a"), b("c"), b("e"), {(byte) 0xf0}};
  private static final byte[][] VALUES = {b("1"), b("2"), b("3"), b("4")};

  private static List<String> keys(SortedMap<byte[], byte[]> m) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : m.entrySet()) {
      out.add(e.getKey().length == 1 && e.getKey()[0] == (byte) 0xf0 ? "f0" : s(e.getKey()));
    }
    return out;
  }

  @Test
  void when_viewed_then_entries_and_ranges_follow_unsigned_key_order() {
    SortedRun run = new SortedRun(KEYS, VALUES, 4);
    assertEquals(List.of("a", "c", "e", "f0"), keys(run));
    assertEquals(List.of("a", "c"), keys(run.headMap(b("d"))));
    assertEquals(List.of("c", "e", "f0"), keys(run.tailMap(b("c"))));
    assertEquals(List.of("c", "e"), keys(run.subMap(b("b"), b("f"))));
    assertEquals(List.of(), keys(run.subMap(b("d"), b("b"))));
    assertEquals("c", s(run.tailMap(b("b")).firstKey()));
    assertEquals("e", s(run.headMap(new byte[] {(byte) 0xf0}).lastKey()));
    assertThrows(NoSuchElementException.class, () -> run.headMap(b("a")).firstKey());
    assertThrows(NoSuchElementException.class, () -> run.tailMap(new byte[] {(byte) 0xff}).lastKey());
    assertEquals("3", s(run.get(b("e"))));
    assertTrue(run.containsKey(b("a")));
    assertEquals(null, run.headMap(b("e")).get(b("e")));
  }

  @Test
  void when_copied_into_a_tree_map_then_the_tree_holds_every_entry() {
    TreeMap<byte[], byte[]> tree = new TreeMap<>(KvBytes.UNSIGNED);
    tree.putAll(new SortedRun(KEYS, VALUES, 3));
    assertEquals(3, tree.size());
    assertEquals("2", s(tree.get(b("c"))));
    assertEquals(null, tree.get(new byte[] {(byte) 0xf0}));
  }

  @Test
  void when_loaded_in_order_then_map_hash_and_size_match_puts_one_by_one() {
    KvMap.SortedLoader loader = new KvMap.SortedLoader(2);
    KvMap oneByOne = new KvMap();
    for (int i = 0; i < 100; i++) { // grows past the first arrays
      byte[] key = b(String.format("k%03d", i));
      loader.add(key, b("v" + i));
      oneByOne.put(key, b("v" + i));
    }
    KvMap loaded = loader.build();
    assertEquals(oneByOne.size(), loaded.size());
    assertEquals(oneByOne.hashSum(), loaded.hashSum());
    assertEquals(oneByOne.rawBytes(), loaded.rawBytes());
    assertEquals("v42", s(loaded.get(b("k042"))));
  }

  @Test
  void when_loaded_out_of_order_or_twice_then_refused_naming_both_keys() {
    KvMap.SortedLoader loader = new KvMap.SortedLoader(10);
    loader.add(b("b"), b("1"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loader.add(b("a"), b("2")));
    assertTrue(e.getMessage().contains("keys out of order: \"a\" after \"b\""), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> loader.add(b("b"), b("2")));
  }
}
