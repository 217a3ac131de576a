package io.raftkv.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.RequestHeader;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operation from its first attempt to its one outcome: attempts it on the current server,
 * retries it (same request, same op id) after a timeout or retryable error, and reports exactly
 * one outcome, a response or a {@link RaftKvException}, to its completion callback.
 *
 * <p>Attempts of one operation never overlap: the next is scheduled only after the previous one
 * failed, so the retry count needs no lock (the scheduler hand-off orders the accesses).
 */
final class OpRun<R> {
  private static final Logger log = LoggerFactory.getLogger(OpRun.class);

  private final long opId;
  private final String what;
  private final boolean write;
  private final boolean toLeader;
  private final OpIdentity identity;
  private final Function<RequestHeader, WireOp<R>> request;
  private final ServerRing ring;
  private final LeaderFinder leaders;
  private final RetryPolicy policy;
  private final ScheduledExecutorService timer;
  private final Duration deadline; // null: retry until answered or closed
  private final long deadlineAtNanos;
  private final BiConsumer<R, RaftKvException> onDone;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile ScheduledFuture<?> expiry;
  private volatile boolean sent;
  private volatile Status lastError;
  private volatile int retries;
  private volatile WireOp<R> wire; // set from the header before the first attempt
  private volatile int attemptsOnHeader; // attempts sent with the current header
  private final OpTracer tracer;

  /**
   * @param opId the client's id for the operation (0 for status calls, which have none)
   * @param what the operation for messages, like {@code Put op 7 on key 'a'}
   * @param write whether the operation changes state, so an unknown outcome matters
   * @param toLeader whether attempts go to the leader route when there is one
   * @param identity where the request header comes from
   * @param request builds the request for a header
   * @param leaders told each answer and failover (leader routing)
   * @param deadline the caller's overall deadline from now, or null for none
   * @param onDone told the one outcome: a response, or null and the failure
   * @param tracer traces each attempt ({@link OpTracer#NONE} if not traced)
   */
  OpRun(long opId, String what, boolean write, boolean toLeader, OpIdentity identity,
      Function<RequestHeader, WireOp<R>> request, ServerRing ring, LeaderFinder leaders,
      RetryPolicy policy,
      ScheduledExecutorService timer, Duration deadline, BiConsumer<R, RaftKvException> onDone,
      OpTracer tracer) {
    this.opId = opId;
    this.what = what;
    this.write = write;
    this.toLeader = toLeader;
    this.identity = identity;
    this.request = request;
    this.ring = ring;
    this.leaders = leaders;
    this.policy = policy;
    this.timer = timer;
    this.deadline = deadline;
    this.deadlineAtNanos = deadline == null ? 0 : System.nanoTime() + deadline.toNanos();
    this.onDone = onDone;
    this.tracer = tracer;
  }

  long opId() {
    return opId;
  }

  /**
   * Starts the deadline clock, if there is a deadline: the op fails when it passes even if it is
   * still waiting behind earlier ops on its key, so the caller's deadline is kept whatever the
   * ops before it do.
   */
  void arm() {
    if (deadline == null) {
      return;
    }
    try {
      expiry = timer.schedule(this::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // the closing client abandons this op
    }
  }

  /**
   * Gets the op's header (a write may wait for a free session) and sends the first attempt,
   * unless the op already finished (its deadline passed while it waited).
   */
  void start() {
    identity.acquire(header -> {
      wire = request.apply(header);
      attempt();
    });
  }

  /** Reports the operation failed because the client is closing, unless it already finished. */
  void abandon() {
    finish(null, new RaftKvException(RaftKvException.Kind.CLOSED,
        what + " was abandoned because the client was closed" + outcome(), write && sent,
        lastErrorException()));
  }

  private void attempt() {
    if (done.get()) {
      return;
    }
    long timeout = policy.perAttemptTimeout().toNanos();
    if (deadline != null) {
      long remaining = deadlineAtNanos - System.nanoTime();
      if (remaining <= 0) {
        expire();
        return;
      }
      timeout = Math.min(timeout, remaining);
    }
    ServerRing.Target target;
    try {
      target = ring.current(toLeader);
    } catch (IllegalStateException closing) {
      return; // the closing client abandons this op
    } catch (IllegalArgumentException badAddress) {
      // Not retried: the address will not become valid, and retrying would hide the mistake.
      finish(null, new RaftKvException(RaftKvException.Kind.UNSUPPORTED,
          what + " could not be sent: " + badAddress.getMessage() + outcome(), write && sent, badAddress));
      return;
    }
    sent = true; // from here the request may reach a server, so a write may take effect
    attemptsOnHeader++;
    KVGrpc.KVStub stub = KVGrpc.newStub(target.channel()).withDeadlineAfter(timeout, TimeUnit.NANOSECONDS);
    try {
      wire.send(tracer.beforeSend(stub), new Answer(target));
    } catch (RuntimeException e) {
      failed(target, Status.fromThrowable(e));
    }
  }

  private void failed(ServerRing.Target target, Status status) {
    if (done.get()) {
      return;
    }
    lastError = status;
    Status.Code code = status.getCode();
    Reaction reaction = Reaction.of(status);
    if (code == Status.Code.FAILED_PRECONDITION && attemptsOnHeader == 1) {
      // Refused on its first attempt: the session expired or was evicted on the servers, and this
      // write was not applied. Resend it at once on a fresh session instead of failing it.
      RequestHeader fresh = identity.renew();
      if (fresh != null) {
        log.info("{} found its session unknown on {} ({}); resending on a new session", what,
            target.address(), describe(status));
        wire = request.apply(fresh);
        attemptsOnHeader = 0;
        attempt();
        return;
      }
    }
    if (reaction == Reaction.DEFINITE) {
      if (code == Status.Code.INVALID_ARGUMENT) {
        identity.refusedUnapplied();
      }
      // A session refusal of a retry can mean an earlier attempt of this very write took effect
      // and its answer was since dropped; say so rather than claim it was not applied.
      boolean unknown = write && attemptsOnHeader > 1 && code == Status.Code.FAILED_PRECONDITION;
      finish(null, new RaftKvException(Reaction.kindOf(code),
          what + " was refused by " + target.address() + ": " + code + " " + describe(status),
          unknown, status.asRuntimeException()));
      return;
    }
    if (reaction == Reaction.FAILOVER) {
      // A removed server leaves the client's servers for good, not just for this attempt.
      boolean droppedRoute = ClusterReasons.saysRemoved(status)
          && ring.drop(target.index(), describe(status));
      droppedRoute |= ring.failover(target.index(), code + " " + describe(status));
      leaders.failedOver(target, droppedRoute);
    }
    retries++;
    long delay = Backoff.delayNanos(policy, retries, ThreadLocalRandom.current());
    if (deadline != null) {
      long remaining = deadlineAtNanos - System.nanoTime();
      if (remaining <= 0) {
        expire();
        return;
      }
      delay = Math.min(delay, remaining);
    }
    log.debug("{} failed on {}: {} {}; retry {} in {} ms", what, target.address(), code,
        describe(status), retries, TimeUnit.NANOSECONDS.toMillis(delay));
    try {
      timer.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // the closing client abandons this op
    }
  }

  private void expire() {
    Status last = lastError;
    String lastText = last == null ? "" : " (last error: " + last.getCode() + " " + describe(last) + ")";
    finish(null, new RaftKvException(RaftKvException.Kind.DEADLINE_EXCEEDED,
        what + " did not complete within its deadline of " + deadline + outcome() + lastText,
        write && sent, lastErrorException()));
  }

  private void finish(R response, RaftKvException failure) {
    if (done.compareAndSet(false, true)) {
      ScheduledFuture<?> pending = expiry;
      if (pending != null) {
        pending.cancel(false);
      }
      identity.release();
      onDone.accept(response, failure);
    }
  }

  private String outcome() {
    if (!write) {
      return "";
    }
    return sent ? "; it may have been applied" : "; it was never sent, so it was not applied";
  }

  private RuntimeException lastErrorException() {
    Status last = lastError;
    return last == null ? null : last.asRuntimeException();
  }

  private static String describe(Status status) {
    String description = status.getDescription();
    if (description == null && status.getCause() != null) {
      description = status.getCause().toString();
    }
    return description == null ? "" : description;
  }

  /** The answer to one attempt; errors and empty answers send the op round the retry loop. */
  private final class Answer implements StreamObserver<R> {
    private final ServerRing.Target target;
    private R response;

    Answer(ServerRing.Target target) {
      this.target = target;
    }

    @Override
    public void onNext(R value) {
      response = value;
    }

    @Override
    public void onError(Throwable t) {
      failed(target, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      if (response == null) {
        failed(target, Status.INTERNAL.withDescription("the server completed the call without an answer"));
      } else {
        finish(response, null);
        leaders.answered(target, response);
      }
    }
  }
}
