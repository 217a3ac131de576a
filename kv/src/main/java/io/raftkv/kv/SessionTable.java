package io.raftkv.kv;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The client sessions, least recently used first, with expiry, a size bound, a bound on the bytes
 * their answers hold, and an incremental hash.
 *
 * <p>Why one insertion-ordered map suffices: a session moves to the end whenever it is used, and
 * the clock it is stamped with never goes backwards, so the head is both the least recently used
 * session and the one idle longest. Expiry and eviction each only ever look at the head. The
 * sessions whose answers hold values are also kept, in the same order, in {@link #withValues}, so
 * the answer budget forgets the least recently used answer's value without a scan.
 */
final class SessionTable {
  private final long timeoutMillis;
  private final int maxSessions;
  private final long maxAnswerBytes;
  private final LinkedHashMap<Long, Session> byClient = new LinkedHashMap<>();
  /** The sessions with {@code answerBytes > 0}, least recently used first. */
  private final LinkedHashMap<Long, Session> withValues = new LinkedHashMap<>();
  private long answerBytes;
  private long hashSum;
  /** The last session {@link #load} added: LinkedHashMap has no O(1) tail accessor in Java 17. */
  private Session loadedTail;

  SessionTable(KvConfig config) {
    this.timeoutMillis = config.sessionTimeoutMillis();
    this.maxSessions = config.maxSessions();
    this.maxAnswerBytes = config.maxSessionAnswerBytes();
  }

  Session get(long clientId) {
    return byClient.get(clientId);
  }

  /** Drops every session idle for longer than the timeout at {@code nowMillis}. */
  void expire(long nowMillis) {
    Iterator<Session> it = byClient.values().iterator();
    while (it.hasNext()) {
      Session oldest = it.next();
      // subtraction, not lastActive + timeout, so a huge timeout cannot overflow
      if (nowMillis - oldest.lastActiveMillis <= timeoutMillis) {
        return;
      }
      forget(oldest);
      it.remove();
    }
  }

  /**
   * Records {@code result}, applied at log {@code index}, as the answer to {@code opId}, replacing
   * the session's previous answer (or opening the session), marks it used, evicts the least
   * recently used session if there are now too many, and keeps the answers within the byte budget
   * (see {@link KvConfig#maxSessionAnswerBytes()}).
   */
  void record(long clientId, long opId, ApplyResult result, long nowMillis, long index) {
    Session old = byClient.remove(clientId);
    if (old != null) {
      forget(old);
    }
    Session fresh = new Session(clientId, opId, index, result, nowMillis, index);
    if (fresh.answerBytes > maxAnswerBytes) {
      fresh = fresh.forgettingValue();
    }
    add(fresh);
    if (byClient.size() > maxSessions) {
      Iterator<Session> it = byClient.values().iterator();
      forget(it.next());
      it.remove();
    }
    enforceAnswerBudget();
  }

  /** Marks a session used (a retry arrived) without changing its answer. */
  void touch(Session session, long nowMillis, long index) {
    byClient.remove(session.clientId);
    forget(session);
    session.lastActiveMillis = nowMillis;
    session.lastUsedIndex = index;
    add(session);
  }

  /**
   * Forgets the values of the least recently used answers until they fit the budget. The newest
   * answer fits on its own (record ensures it), so this stops before reaching it.
   */
  private void enforceAnswerBudget() {
    while (answerBytes > maxAnswerBytes) {
      Session oldest = withValues.values().iterator().next();
      forget(oldest);
      Session light = oldest.forgettingValue();
      byClient.put(light.clientId, light); // replacing a value keeps the session's place
      hashSum += light.hash();
    }
  }

  /** Adds {@code s} at the most recently used end and counts it. */
  private void add(Session s) {
    byClient.put(s.clientId, s);
    if (s.answerBytes > 0) {
      withValues.put(s.clientId, s);
      answerBytes += s.answerBytes;
    }
    hashSum += s.hash();
  }

  /** Uncounts {@code s} (the caller removes it from {@link #byClient} or replaces it there). */
  private void forget(Session s) {
    if (s.answerBytes > 0) {
      withValues.remove(s.clientId);
      answerBytes -= s.answerBytes;
    }
    hashSum -= s.hash();
  }

  /**
   * Adds a session read from a snapshot. Sessions must arrive least recently used first, as {@link
   * #inUseOrder()} gives them. A snapshot written by this version never exceeds the answer budget;
   * one of format version 1 may, and {@link #finishLoad()} then forgets values as {@link #record}
   * would have.
   *
   * @throws IllegalArgumentException if the session is out of order, a duplicate, or one too many
   */
  void load(Session session) {
    if (byClient.size() >= maxSessions) {
      throw new IllegalArgumentException(
          "holds more than maxSessions=" + maxSessions + " sessions; every replica must use the"
              + " same KvConfig");
    }
    if (byClient.containsKey(session.clientId)) {
      throw new IllegalArgumentException(
          "holds client " + Long.toUnsignedString(session.clientId, 16) + " twice");
    }
    if (loadedTail != null && (session.lastUsedIndex <= loadedTail.lastUsedIndex
        || session.lastActiveMillis < loadedTail.lastActiveMillis)) {
      throw new IllegalArgumentException(
          "lists sessions out of use order (last used at index " + session.lastUsedIndex
              + " after one last used at " + loadedTail.lastUsedIndex + ")");
    }
    add(session);
    loadedTail = session;
  }

  /**
   * Ends a {@link #load}: forgets values beyond the answer budget, least recently used first.
   *
   * @return whether any value was forgotten
   */
  boolean finishLoad() {
    boolean over = answerBytes > maxAnswerBytes;
    if (over) {
      // answers larger than the whole budget first, as record does, then the oldest
      for (Session s : List.copyOf(withValues.values())) {
        if (s.answerBytes > maxAnswerBytes) {
          forget(s);
          add(s.forgettingValue()); // replaces the value in byClient, keeping its place
        }
      }
      enforceAnswerBudget();
    }
    return over;
  }

  /** Bytes of values the recorded answers hold together. */
  long answerBytes() {
    return answerBytes;
  }

  /** Sessions least recently used first; read-only use. */
  Collection<Session> inUseOrder() {
    return byClient.values();
  }

  int size() {
    return byClient.size();
  }

  long hashSum() {
    return hashSum;
  }
}
