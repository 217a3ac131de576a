package io.raftkv.kv;

import io.raftkv.raft.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Test helper: turns generated steps into a log of entries the way real clients would produce it
 * (sequential operations, retries with the same opId, late duplicates, a new session after
 * SESSION_EXPIRED), applying each entry to a reference replica as it goes so clients can react to
 * answers.
 */
final class Workload {

  /**
   * One generated step.
   *
   * @param client  which of the clients acts
   * @param kind    0 Put, 1 Delete, 2 Cas expecting absent, 3 Cas expecting a value
   * @param key     which of a few keys (few, so operations collide)
   * @param value   which of a few values
   * @param action  0..5 a new operation, 6..7 retry the last one, 8 resend an older one,
   *                9 a leader's NOOP, 10 an undecodable entry
   * @param advanceMillis how far the leader's clock moves before this step
   */
  record Step(int client, int kind, int key, int value, int action, int advanceMillis) {}

  static Arbitrary<List<Step>> steps(int clients, int maxAdvanceMillis, int maxSteps) {
    return Combinators.combine(
            Arbitraries.integers().between(0, clients - 1),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 10),
            Arbitraries.integers().between(0, maxAdvanceMillis))
        .as(Step::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(maxSteps);
  }

  static byte[] key(int i) {
    return ("k" + i).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(int i) {
    return ("v" + i).getBytes(StandardCharsets.UTF_8);
  }

  /** The log produced and the reference replica's answer to each entry. */
  record Log(List<Entry> entries, List<ApplyResult> results) {}

  private static final class Client {
    final int slot;
    int generation;
    long nextOp = 1;
    final List<Command> sent = new ArrayList<>();

    Client(int slot) {
      this.slot = slot;
    }

    long id() {
      // distinct per slot and per session generation; negative ids exercise unsigned handling
      return (generation % 2 == 0 ? 1 : -1) * (slot * 1_000L + generation + 1);
    }
  }

  /** Runs {@code steps} against {@code reference}, which must be fresh, and returns the log. */
  static Log run(List<Step> steps, int clientCount, KvStateMachine reference) {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < clientCount; i++) {
      clients.add(new Client(i));
    }
    List<Entry> entries = new ArrayList<>();
    List<ApplyResult> results = new ArrayList<>();
    long now = 1_000;
    for (Step step : steps) {
      now += step.advanceMillis();
      long index = entries.size() + 1;
      Client client = clients.get(step.client());
      Entry entry;
      Command command = null;
      if (step.action() == 9) {
        entry = Entry.noop(index, 1);
      } else if (step.action() == 10) {
        entry = Entry.normal(index, 1, new byte[] {1, (byte) step.value(), 0});
      } else {
        if (step.action() >= 6 && step.action() <= 7 && !client.sent.isEmpty()) {
          command = client.sent.get(client.sent.size() - 1).withProposedAtMillis(now);
        } else if (step.action() == 8 && client.sent.size() > 1) {
          command = client.sent.get(step.value() % (client.sent.size() - 1))
              .withProposedAtMillis(now);
        } else {
          command = newCommand(step, client, now);
          client.sent.add(command);
        }
        entry = Entry.normal(index, 1, CommandCodec.encode(command));
      }
      ApplyResult result = reference.apply(entry);
      if (command != null && result instanceof ApplyResult.Rejected r
          && r.reason() == ApplyResult.Reason.SESSION_EXPIRED
          && command.clientId() == client.id()) {
        // what a real client does: give up on the old session and start a new one
        client.generation++;
        client.nextOp = 1;
        client.sent.clear();
      }
      entries.add(entry);
      results.add(result);
    }
    return new Log(entries, results);
  }

  private static Command newCommand(Step step, Client client, long now) {
    long op = client.nextOp++;
    byte[] key = key(step.key());
    switch (step.kind()) {
      case 0:
        return new Command.Put(client.id(), op, now, key, value(step.value()));
      case 1:
        return new Command.Delete(client.id(), op, now, key);
      case 2:
        return new Command.Cas(client.id(), op, now, key, null, value(step.value()));
      default:
        return new Command.Cas(client.id(), op, now, key, value(step.value() / 2),
            value(step.value()));
    }
  }
}
