package io.raftkv.bench;

import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.Role;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.RequestVote;
import io.raftkv.raft.message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Raft core's hot loop on a 3-node leader: propose {@code batch} commands, then
 * ready → (followers answer synthetically) → advance until nothing is left, so every proposal is
 * replicated, committed and handed out for applying. No I/O: this is the core's own cost per
 * write. The score is per cycle; divide by {@code batch} for per-proposal cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RaftCycleBench {
  @Param({"1", "16"})
  int batch;

  @Param({"100"})
  int commandBytes;

  private RaftNode node;
  private byte[] command;
  private final List<Message> answers = new ArrayList<>();

  /** A fresh leader per iteration, so the in-memory log does not grow without bound. */
  @Setup(Level.Iteration)
  public void setUp() {
    node = new RaftNode(RaftConfig.defaults(1, List.of(1, 2, 3), new SplittableRandom(7)),
        RestoredState.EMPTY);
    command = new byte[commandBytes];
    new SplittableRandom(1).nextBytes(command);
    node.campaign();
    drain(null);
    if (node.status().role() != Role.LEADER) {
      throw new IllegalStateException("node 1 did not become leader: " + node.status());
    }
  }

  @Benchmark
  public int proposeReadyAdvance(Blackhole bh) {
    for (int i = 0; i < batch; i++) {
      bh.consume(node.propose(command));
    }
    return drain(bh);
  }

  /** Runs ready/advance, answering every message as a healthy follower would; returns applied count. */
  private int drain(Blackhole bh) {
    int committed = 0;
    for (int rounds = 0; rounds < 100 && node.hasReady(); rounds++) {
      Ready r = node.ready();
      committed += r.committedEntries().size();
      answers.clear();
      for (List<Message> sent : List.of(r.earlyMessages(), r.messages())) {
        for (Message m : sent) {
          Message a = answer(m);
          if (a != null) {
            answers.add(a);
          }
        }
      }
      node.advance(r);
      for (Message a : answers) {
        node.step(a);
      }
      if (bh != null) {
        bh.consume(r);
      }
    }
    return committed;
  }

  static Message answer(Message m) {
    if (m instanceof RequestVote) {
      RequestVote v = (RequestVote) m;
      return new RequestVoteResponse(v.to(), v.from(), v.term(), v.preVote(), true);
    }
    if (m instanceof AppendEntries) {
      AppendEntries a = (AppendEntries) m;
      return AppendEntriesResponse.accept(a.to(), a.from(), a.term(), a.lastIndex());
    }
    if (m instanceof Heartbeat) {
      Heartbeat h = (Heartbeat) m;
      return new HeartbeatResponse(h.to(), h.from(), h.term(), h.readRound());
    }
    return null;
  }
}
