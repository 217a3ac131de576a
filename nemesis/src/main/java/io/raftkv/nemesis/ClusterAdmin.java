package io.raftkv.nemesis;

import io.raftkv.client.ClusterMember;
import io.raftkv.client.MemberList;
import io.raftkv.client.MembershipException;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Membership calls of the nemesis through {@link RaftKvClient}, each retried until it is known
 * to have taken effect or a bound passes: a call fails retryably while no leader is known (another
 * fault is healing), while a change is uncommitted ({@code CHANGE_IN_PROGRESS}) or while a
 * learner catches up ({@code LEARNER_NOT_READY}), and a call that timed out may have been made.
 * So each operation checks the member list, the configuration in force on the leader, before and
 * after each attempt: an add or remove is done when the list says so, whichever attempt made it.
 */
final class ClusterAdmin implements AutoCloseable {
  /** The deadline of one attempt. */
  private static final Duration ATTEMPT = Duration.ofSeconds(5);

  private final RaftKvClient kv;
  private final long boundNanos;
  private String lastError = "";

  /** A client of {@code servers}; each operation retries for at most {@code bound}. */
  ClusterAdmin(List<String> servers, Duration bound) {
    this.kv = RaftKvClient.builder().servers(servers).perAttemptTimeout(Duration.ofSeconds(2))
        .build();
    this.boundNanos = bound.toNanos();
  }

  /** The last error an operation saw, for a report. */
  String lastError() {
    return lastError;
  }

  /** The member list, or empty if no leader answered within the bound. */
  Optional<MemberList> list() throws InterruptedException {
    long end = System.nanoTime() + boundNanos;
    do {
      Optional<MemberList> l = attempt(kv.memberList(options()));
      if (l.isPresent()) {
        return l;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < end);
    return Optional.empty();
  }

  /** Whether member {@code id} is in the list {@code l}, and a voter if {@code voter}. */
  static boolean holds(MemberList l, int id, boolean voter) {
    return l.members().stream().anyMatch(m -> m.id() == id && (!voter || !m.learner()));
  }

  /** Waits until {@code id} is a voter (the leader promotes it by itself); false after the bound. */
  boolean awaitVoter(int id) throws InterruptedException {
    long end = System.nanoTime() + boundNanos;
    do {
      Optional<MemberList> l = attempt(kv.memberList(options()));
      if (l.isPresent() && holds(l.get(), id, true)) {
        return true;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < end);
    lastError = "node " + id + " did not become a voter";
    return false;
  }

  /** Adds {@code id} as a learner unless the list holds it; true once the list holds it. */
  boolean addLearner(int id, String peer, String client) throws InterruptedException {
    return until(l -> holds(l, id, false), () -> kv.memberAdd(id, peer, client, false,
        OptionalLong.empty(), options()));
  }

  /** Promotes learner {@code id} (retried while it is not caught up); true once it votes. */
  boolean promote(int id) throws InterruptedException {
    return until(l -> holds(l, id, true), () -> kv.memberPromote(id, OptionalLong.empty(),
        options()));
  }

  /** Removes {@code id} unless the list lacks it; true once the list lacks it. */
  boolean remove(int id) throws InterruptedException {
    return until(l -> !holds(l, id, false), () -> kv.memberRemove(id, OptionalLong.empty(),
        options()));
  }

  /** The member ids of the configuration in force, or empty if no leader answered. */
  Optional<List<Integer>> ids() throws InterruptedException {
    return list().map(l -> l.members().stream().map(ClusterMember::id).sorted().toList());
  }

  private interface Change {
    CompletableFuture<?> call();
  }

  /** Reads the list; while {@code done} is false of it, makes the change and reads again. */
  private boolean until(java.util.function.Predicate<MemberList> done, Change change)
      throws InterruptedException {
    long end = System.nanoTime() + boundNanos;
    do {
      Optional<MemberList> l = attempt(kv.memberList(options()));
      if (l.isPresent()) {
        if (done.test(l.get())) {
          return true;
        }
        attempt(change.call());
      }
      Thread.sleep(200);
    } while (System.nanoTime() < end);
    return false;
  }

  /** One attempt's answer; empty (the error kept) if it failed or did not answer in time. */
  private <T> Optional<T> attempt(CompletableFuture<T> f) throws InterruptedException {
    try {
      return Optional.of(f.get(ATTEMPT.toMillis() + 2_000, TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      Throwable t = e.getCause() == null ? e : e.getCause();
      lastError = t instanceof MembershipException m ? m.reason() + ": " + m.getMessage()
          : String.valueOf(t.getMessage());
      return Optional.empty();
    } catch (TimeoutException e) {
      f.cancel(true);
      lastError = "no answer within " + ATTEMPT.plusSeconds(2);
      return Optional.empty();
    }
  }

  private static OpOptions options() {
    return OpOptions.defaults().withDeadline(ATTEMPT);
  }

  @Override
  public void close() {
    kv.close();
  }
}
