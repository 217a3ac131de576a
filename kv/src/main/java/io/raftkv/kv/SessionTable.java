package io.raftkv.kv;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The client sessions, least recently used first, with expiry, a size bound and an incremental
 * hash.
 *
 * <p>Why one insertion-ordered map suffices: a session moves to the end whenever it is used, and
 * the clock it is stamped with never goes backwards, so the head is both the least recently used
 * session and the one idle longest. Expiry and eviction each only ever look at the head.
 */
final class SessionTable {
  private final long timeoutMillis;
  private final int maxSessions;
  private final LinkedHashMap<Long, Session> byClient = new LinkedHashMap<>();
  private long hashSum;
  /** The last session {@link #load} added: LinkedHashMap has no O(1) tail accessor in Java 17. */
  private Session loadedTail;

  SessionTable(KvConfig config) {
    this.timeoutMillis = config.sessionTimeoutMillis();
    this.maxSessions = config.maxSessions();
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
      hashSum -= oldest.hash();
      it.remove();
    }
  }

  /**
   * Records {@code result} as the answer to {@code opId}, replacing the session's previous answer
   * (or opening the session), marks it used, and evicts the least recently used session if there
   * are now too many.
   */
  void record(long clientId, long opId, ApplyResult result, long nowMillis, long index) {
    Session old = byClient.remove(clientId);
    if (old != null) {
      hashSum -= old.hash();
    }
    Session fresh = new Session(clientId, opId, result, nowMillis, index);
    byClient.put(clientId, fresh);
    hashSum += fresh.hash();
    if (byClient.size() > maxSessions) {
      Iterator<Session> it = byClient.values().iterator();
      hashSum -= it.next().hash();
      it.remove();
    }
  }

  /** Marks a session used (a retry arrived) without changing its answer. */
  void touch(Session session, long nowMillis, long index) {
    hashSum -= session.hash();
    byClient.remove(session.clientId);
    session.lastActiveMillis = nowMillis;
    session.lastUsedIndex = index;
    byClient.put(session.clientId, session);
    hashSum += session.hash();
  }

  /**
   * Adds a session read from a snapshot. Sessions must arrive least recently used first, as {@link
   * #inUseOrder()} gives them.
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
    byClient.put(session.clientId, session);
    hashSum += session.hash();
    loadedTail = session;
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
