package io.raftkv.sim;

import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.lincheck.CheckResult;
import io.raftkv.lincheck.HistoryRecorder;
import io.raftkv.lincheck.LinearizabilityChecker;
import io.raftkv.node.NodeHost;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import io.raftkv.raft.RaftConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated clients doing Get, Put and Delete on a few keys through each node's {@link NodeHost}
 * (the server's own propose and read paths, its answer matching and its client sessions), the way
 * the kvslib does: one operation at a time per client, sent to one server; on a refusal, an
 * unknown outcome (the leader lost its leadership) or a timeout the client moves to another
 * server (the hinted leader if any) and retries the same (clientId, opId), which the sessions
 * apply once. Every call and return is recorded in simulated time, and at the end the history
 * must be linearizable. Linearizable reads go through ReadIndex and are served from the contacted
 * node's state once it has applied the read index; each is also checked against the commit index
 * known when it was asked (no stale read).
 */
final class SimClients {
  private static final String[] KEYS = {"x", "y", "z"};
  private static final int CLIENTS = 4;
  /** Give up on an attempt after this long and retry elsewhere (the kvslib's per-attempt timeout). */
  private static final int ATTEMPT_MILLIS = 300;

  private enum Kind { GET, PUT, DELETE }

  private final class Op {
    final long callId;
    final Kind kind;
    final String key;
    final String value;
    final long opId;
    final long askedAtCommit;
    int attempt;

    Op(long callId, Kind kind, String key, String value, long opId, long askedAtCommit) {
      this.callId = callId;
      this.kind = kind;
      this.key = key;
      this.value = value;
      this.opId = opId;
      this.askedAtCommit = askedAtCommit;
    }
  }

  private final class Client {
    final int id;
    final long session;
    long nextOpId = 1;
    int target;
    Op op;

    Client(int id, long session, int target) {
      this.id = id;
      this.session = session;
      this.target = target;
    }
  }

  private final Simulation sim;
  private final SafetyChecker checker;
  private final HistoryRecorder history;
  private final List<Client> clients = new ArrayList<>();
  private long tieBreak;
  private boolean active = true;
  private long completed;

  SimClients(Simulation sim, SafetyChecker checker) {
    this.sim = sim;
    this.checker = checker;
    // Simulated milliseconds, made strictly increasing so real-time order is exact.
    this.history = new HistoryRecorder(() -> sim.now() * 1_000_000L + (tieBreak++ % 1_000_000L));
  }

  void start() {
    for (int i = 1; i <= CLIENTS; i++) {
      Client c = new Client(i, sim.rng().nextLong(), sim.randomId());
      clients.add(c);
      sim.at(1 + sim.rng().nextInt(50), () -> next(c));
    }
  }

  long completed() {
    return completed;
  }

  // ---------------------------------------------------------------- issuing

  private void next(Client c) {
    if (!active) {
      return;
    }
    String key = KEYS[sim.rng().nextInt(KEYS.length)];
    int roll = sim.rng().nextInt(10);
    Kind kind = roll < 5 ? Kind.GET : roll < 9 ? Kind.PUT : Kind.DELETE;
    String value = kind == Kind.PUT ? "c" + c.id + "-" + c.nextOpId : null;
    long callId = switch (kind) {
      case GET -> history.invokeGet(c.id, key);
      case PUT -> history.invokePut(c.id, key, value);
      case DELETE -> history.invokeDelete(c.id, key);
    };
    long opId = kind == Kind.GET ? 0 : c.nextOpId++;
    if (sim.rng().nextBoolean()) {
      // Like a client behind a load balancer: any server may take the next operation, so some
      // clients keep talking to a server cut off from the rest while others have moved on.
      c.target = sim.randomId();
    }
    c.op = new Op(callId, kind, key, value, opId, sim.knownCommit());
    send(c);
  }

  private void send(Client c) {
    Op op = c.op;
    if (!active || op == null) {
      return;
    }
    int attempt = ++op.attempt;
    SimNode n = sim.node(c.target);
    if (!n.up) {
      moveOn(c, RaftConfig.NONE, 20);
      return;
    }
    int target = c.target;
    // A paused server takes the request when it runs again, even if the client gave up by then.
    Runnable request = () -> request(c, op, attempt, target);
    if (n.paused) {
      n.defer("client-" + c.id, request);
    } else {
      request.run();
    }
    sim.at(ATTEMPT_MILLIS, () -> {
      if (c.op == op && op.attempt == attempt) {
        moveOn(c, RaftConfig.NONE, 0); // no answer in time: try another server
      }
    });
  }

  /** The request reaches server {@code target}: its host proposes or reads. */
  private void request(Client c, Op op, int attempt, int target) {
    SimNode n = sim.node(target);
    if (!n.up) {
      return;
    }
    byte[] key = op.key.getBytes(StandardCharsets.UTF_8);
    if (op.kind == Kind.GET) {
      n.host.readLinearizable(key).whenComplete((a, t) -> readAnswered(c, op, attempt, target,
          a, t));
    } else {
      Command cmd = op.kind == Kind.PUT
          ? new Command.Put(c.session, op.opId, sim.now(), key,
              op.value.getBytes(StandardCharsets.UTF_8))
          : new Command.Delete(c.session, op.opId, sim.now(), key);
      n.host.propose(cmd).answer().whenComplete((a, t) -> writeAnswered(c, op, attempt, target,
          a, t));
    }
    sim.pump(target);
  }

  /** Node {@code target}'s answer to a write: applied, or refused or unknown (retry elsewhere). */
  private void writeAnswered(Client c, Op op, int attempt, int target, NodeHost.Applied a,
      Throwable failure) {
    if (c.op != op || op.attempt != attempt) {
      return; // the client gave up on this attempt
    }
    if (failure != null) {
      moveOn(c, leaderHint(failure), failure instanceof NotLeaderException ? 5
          : failure instanceof OutcomeUnknownException ? 0 : 20);
      return;
    }
    if (a.result() instanceof ApplyResult.Rejected r) {
      throw new InvariantViolation("client " + c.id + "'s operation " + op.opId
          + " was rejected by the state machine: " + r);
    }
    sim.record("client " + c.id + " " + op.kind + " " + op.key + "=" + op.value
        + " done: applied at " + a.index() + "/" + a.term() + " on node " + target);
    complete(c, null);
  }

  /** Node {@code target}'s answer to a linearizable read. */
  private void readAnswered(Client c, Op op, int attempt, int target, NodeHost.ReadAnswer a,
      Throwable failure) {
    if (c.op != op || op.attempt != attempt) {
      return;
    }
    if (failure != null) {
      moveOn(c, leaderHint(failure), 5);
      return;
    }
    checker.onRead(target, op.callId, a.readIndex(), op.askedAtCommit);
    String v = a.result().found() ? new String(a.result().value(), StandardCharsets.UTF_8) : null;
    sim.record("client " + c.id + " GET " + op.key + " -> " + v + " on node " + target
        + " (read index " + a.readIndex() + ", applied " + a.result().appliedIndex() + ")");
    complete(c, v);
  }

  private static int leaderHint(Throwable failure) {
    return failure instanceof NotLeaderException nl ? nl.leaderHint()
        : failure instanceof OutcomeUnknownException ou ? ou.leaderHint() : RaftConfig.NONE;
  }

  /** Switches server (to the hinted leader if any) and retries the same operation. */
  private void moveOn(Client c, int hint, int delayMillis) {
    c.target = hint != RaftConfig.NONE ? hint : sim.idAfter(c.target);
    Op op = c.op;
    op.attempt++; // whatever the old attempt was waiting for no longer counts
    sim.at(delayMillis, () -> {
      if (c.op == op) {
        send(c);
      }
    });
  }

  private void complete(Client c, String output) {
    history.ok(c.op.callId, output);
    c.op = null;
    completed++;
    sim.at(sim.rng().nextInt(20), () -> next(c));
  }

  // ---------------------------------------------------------------- the end

  /**
   * Stops issuing; operations still in flight count as ambiguous (a write may or may not have
   * taken effect; the checker treats it as concurrent with everything after its start).
   */
  void stop() {
    active = false;
    for (Client c : clients) {
      if (c.op != null) {
        if (c.op.kind == Kind.GET) {
          history.failed(c.op.callId);
        } else {
          history.ambiguous(c.op.callId);
        }
        c.op = null;
      }
    }
  }

  /** Checks the whole recorded history; throws if it is not linearizable. */
  void checkLinearizable() {
    CheckResult r = LinearizabilityChecker.check(history.history(), Duration.ofSeconds(20));
    if (!r.isLinearizable()) {
      throw new InvariantViolation("client history " + r.report());
    }
  }
}
