package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.raft.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/** Determinism across replicas and snapshots, and agreement with a plain HashMap model. */
class ReplicaProperties {
  private static final int CLIENTS = 5;
  /** Short timeout and few sessions, so expiry and eviction both happen in generated runs. */
  private static final KvConfig TIGHT = new KvConfig(60, 3);

  @Provide
  Arbitrary<List<Workload.Step>> tightSteps() {
    return Workload.steps(CLIENTS, 25, 120);
  }

  @Provide
  Arbitrary<List<Workload.Step>> calmSteps() {
    return Workload.steps(CLIENTS, 0, 120);
  }

  @Property(tries = 300)
  void when_replica_restores_snapshot_midway_then_it_ends_identical(
      @ForAll("tightSteps") List<Workload.Step> steps, @ForAll @IntRange(max = 100) int cutPercent) {
    KvStateMachine a = new KvStateMachine(TIGHT);
    Workload.Log log = Workload.run(steps, CLIENTS, a);
    int cut = log.entries().size() * cutPercent / 100;
    for (ApplyResult r : log.results()) {
      // shows in the jqwik report that retries, expiry and eviction are really exercised
      Statistics.label("outcome").collect(r instanceof ApplyResult.Rejected rejected
          ? rejected.reason().name() : r.getClass().getSimpleName());
    }

    // replay A up to the cut on a fresh replica, snapshot it, restore into B, go on with B
    KvStateMachine upToCut = new KvStateMachine(TIGHT);
    for (Entry e : log.entries().subList(0, cut)) {
      upToCut.apply(e);
    }
    KvStateMachine b = new KvStateMachine(TIGHT);
    Snapshots.restore(b, Snapshots.bytes(upToCut));
    assertEquals(upToCut.stateHash(), b.stateHash());
    for (int i = cut; i < log.entries().size(); i++) {
      assertEquals(log.results().get(i), b.apply(log.entries().get(i)), "entry " + (i + 1));
    }

    assertEquals(a.appliedIndex(), b.appliedIndex());
    assertEquals(a.stateHash(), b.stateHash());
    assertEquals(Snapshots.content(a), Snapshots.content(b));
    assertArrayEquals(Snapshots.bytes(a), Snapshots.bytes(b), "every byte of state, sessions included");
  }

  @Property(tries = 300)
  void when_hash_equal_then_snapshots_equal_at_every_index(
      @ForAll("tightSteps") List<Workload.Step> steps) {
    // the incremental hash must track the full state: recompute it from a snapshot at each step
    KvStateMachine a = new KvStateMachine(TIGHT);
    Workload.Log log = Workload.run(steps, CLIENTS, new KvStateMachine(TIGHT));
    for (Entry e : log.entries()) {
      a.apply(e);
      KvStateMachine copy = new KvStateMachine(TIGHT);
      byte[] snapshot = Snapshots.bytes(a);
      assertEquals(snapshot.length, a.snapshotSizeBytes(), "the size known before writing");
      Snapshots.restore(copy, snapshot); // restore recomputes the hash from content and checks it
      assertEquals(a.stateHash(), copy.stateHash());
    }
  }

  @Property(tries = 300)
  void when_commands_applied_then_results_and_content_match_a_hashmap_model(
      @ForAll("calmSteps") List<Workload.Step> steps) {
    KvStateMachine sm = new KvStateMachine(KvConfig.defaults());
    Workload.Log log = Workload.run(steps, CLIENTS, sm);

    Map<String, String> model = new HashMap<>();
    Map<Long, Long> lastOp = new HashMap<>();
    Map<Long, ApplyResult> lastAnswer = new HashMap<>();
    for (int i = 0; i < log.entries().size(); i++) {
      Entry entry = log.entries().get(i);
      ApplyResult actual = log.results().get(i);
      ApplyResult expected;
      if (entry.data().length == 0) {
        expected = new ApplyResult.Noop();
      } else if (entry.data().length == 3) {
        expected = actual instanceof ApplyResult.Rejected r
            && r.reason() == ApplyResult.Reason.INVALID_COMMAND ? actual : null;
      } else {
        Command c = CommandCodec.decode(entry.data());
        long last = lastOp.getOrDefault(c.clientId(), 0L);
        if (c.opId() == last) {
          expected = lastAnswer.get(c.clientId());
        } else if (c.opId() < last) {
          expected = actual instanceof ApplyResult.Rejected r
              && r.reason() == ApplyResult.Reason.STALE_REQUEST ? actual : null;
        } else {
          expected = modelApply(model, c);
          lastOp.put(c.clientId(), c.opId());
          lastAnswer.put(c.clientId(), expected);
        }
      }
      assertEquals(expected, actual, "entry " + entry.index());
    }

    List<String> actualContent = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> kv : Snapshots.entries(sm)) {
      actualContent.add(str(kv.getKey()) + "=" + str(kv.getValue()));
    }
    List<String> expectedContent = new ArrayList<>();
    model.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> expectedContent.add(e.getKey() + "=" + e.getValue()));
    assertEquals(expectedContent, actualContent);
  }

  private static ApplyResult modelApply(Map<String, String> model, Command c) {
    String key = str(c.key());
    String current = model.get(key);
    if (c instanceof Command.Put p) {
      model.put(key, str(p.value()));
      return new ApplyResult.Put(bytes(current));
    }
    if (c instanceof Command.Delete) {
      return new ApplyResult.Delete(model.remove(key) != null);
    }
    Command.Cas cas = (Command.Cas) c;
    boolean matches = cas.expected() == null
        ? current == null
        : current != null && Arrays.equals(bytes(current), cas.expected());
    if (matches) {
      model.put(key, str(cas.newValue()));
      return new ApplyResult.Cas(true, cas.newValue());
    }
    return new ApplyResult.Cas(false, bytes(current));
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
