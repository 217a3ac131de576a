package io.raftkv.client;

import io.raftkv.api.v1.RequestHeader;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The wire sessions a client's writes go out on, at most one write per session at a time.
 *
 * <p>Why more than one: a server keeps only the latest write of a session and its answer (Raft
 * thesis §6.3, {@code KvStateMachine}). It refuses a write numbered below the latest as stale and a
 * session's first write unless it is numbered 1. So within one session writes must be numbered
 * 1, 2, 3, ... and each must be answered before the next is sent, or a write to one key that
 * overtakes a write to another would make the slower one fail. Concurrent writes to different keys
 * therefore each borrow a session of their own; a session's op ids rise by one per write, and a
 * retry reuses the write's (client_id, op_id). The pool grows up to {@code limit} sessions; beyond
 * that, writes wait for a session to come free.
 */
final class WriteSessions {

  /** One wire session: a random client id and the op id of its latest write. */
  static final class Session {
    final long clientId = SessionIds.next();
    private long lastOpId; // touched only by the one write holding the session

    RequestHeader nextHeader() {
      return RequestHeader.newBuilder().setClientId(clientId).setOpId(++lastOpId).build();
    }

    /** Gives back op id {@code opId}, the latest handed out, which the servers never applied. */
    void unissue(long opId) {
      if (lastOpId == opId) {
        lastOpId--;
      }
    }
  }

  private final int limit;
  private final ArrayDeque<Session> idle = new ArrayDeque<>(); // guarded by this
  private final ArrayDeque<Consumer<Session>> waiting = new ArrayDeque<>(); // guarded by this
  private int created; // guarded by this
  private boolean closed; // guarded by this

  WriteSessions(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the write session limit must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  /** Hands a session to {@code user} now, or when one comes free; never after {@link #close}. */
  void acquire(Consumer<Session> user) {
    Session session;
    synchronized (this) {
      if (closed) {
        return;
      }
      // Most recently used first: a busy client keeps few sessions warm on the servers.
      session = idle.pollLast();
      if (session == null && created < limit) {
        session = new Session();
        created++;
      }
      if (session == null) {
        waiting.addLast(user);
        return;
      }
    }
    user.accept(session); // outside the lock: the user starts sending at once
  }

  /** Returns a session for the next write; the next waiting write, if any, gets it. */
  void release(Session session) {
    Consumer<Session> next;
    synchronized (this) {
      if (closed) {
        return;
      }
      next = waiting.pollFirst();
      if (next == null) {
        idle.addLast(session);
        return;
      }
    }
    next.accept(session);
  }

  /**
   * A new session in place of one the servers no longer know (expired or evicted). The old one is
   * dropped: its numbering cannot continue.
   */
  Session replace(Session expired) {
    return new Session();
  }

  /** Drops every session and waiting write; the client is closing. */
  synchronized void close() {
    closed = true;
    idle.clear();
    waiting.clear();
  }
}
