package io.raftkv.kv;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The replicated key-value state machine: an ordered map of byte-string keys to byte-string values
 * plus the client sessions that make writes exactly-once.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Apply must be deterministic.</b> Replicas that apply the same entries in the same order,
 *       from the same snapshot, hold the same state and return the same results, and their {@link
 *       #stateHash()} is equal at every applied index. Nothing here reads a clock, draws randomness
 *       or depends on hash-map iteration order; time is the leader's {@link
 *       Command#proposedAtMillis()} carried in each command.
 *   <li><b>Entries are applied once each, in index order.</b> {@link #apply} takes exactly the
 *       entry after {@link #appliedIndex()} and throws {@link IllegalStateException} otherwise: a
 *       gap or a repeat means the caller lost track of the log, which must stop the node rather
 *       than diverge quietly.
 *   <li><b>A committed entry never makes apply fail.</b> Bytes that do not decode are answered with
 *       {@link ApplyResult.Reason#INVALID_COMMAND}, identically on every replica.
 *   <li><b>Not thread-safe.</b> One thread (the node runtime's apply loop) owns the instance;
 *       reads run on it too, or under the caller's lock.
 * </ul>
 *
 * <h2>Sessions (Raft thesis §6.3)</h2>
 *
 * For a write from client {@code c} with operation number {@code n}, after dropping every session
 * idle for longer than {@link KvConfig#sessionTimeoutMillis()}:
 *
 * <ul>
 *   <li>{@code n} is above the session's last operation: apply it and record its result as the
 *       session's answer (only the latest answer is kept);
 *   <li>{@code n} equals the last operation: it is a retry; answer with the recorded result, the
 *       same object the first application returned, leave the map alone and only mark the
 *       session used. The retry's content is not compared: one opId names one operation;
 *   <li>{@code n} is below the last operation: {@link ApplyResult.Reason#STALE_REQUEST}, not applied;
 *   <li>no session and {@code n == 1}: a new client; apply it and open its session;
 *   <li>no session and {@code n > 1}: {@link ApplyResult.Reason#SESSION_EXPIRED}, not applied. The
 *       session may have held this very operation, so applying it could apply it twice; the
 *       client starts over with a new clientId.
 * </ul>
 *
 * Client and operation ids are unsigned 64-bit numbers: {@code opId} 2<sup>63</sup> is above
 * 2<sup>63</sup>−1 and 2<sup>64</sup>−1 is the largest.
 *
 * <p>A retry is answered with the recorded result unless its values did not fit {@link
 * KvConfig#maxSessionAnswerBytes()}: then it gets {@link ApplyResult.ValueForgotten}, which says
 * the write took effect, once, and at which index, without the value. Sessions are never dropped
 * for bytes, so this keeps exactly-once for every live session.
 *
 * <p>The remaining gap: a retry of an opId-1 write that arrives after its session expired or was
 * evicted is applied again. Clients close it by giving up on an operation well within the session
 * timeout, and operators by sizing {@link KvConfig#maxSessions()} above the number of live clients.
 *
 * <p>The clock is the largest {@code proposedAtMillis} applied so far, so a new leader whose wall
 * clock lags cannot move time backwards and un-expire or re-order sessions.
 */
public final class KvStateMachine {
  private final KvConfig config;
  private KvMap map = new KvMap();
  private SessionTable sessions;
  private long appliedIndex;
  private long appliedTerm;
  private long clockMillis;

  /** An empty state machine at applied index 0. */
  public KvStateMachine(KvConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.sessions = new SessionTable(config);
  }

  /**
   * Applies the next committed entry and returns the answer for its proposer.
   *
   * <p>A {@link EntryType#NOOP} entry (and any other non-{@link EntryType#NORMAL} entry, which
   * carries no command for this state machine) only advances the applied index.
   *
   * @throws IllegalStateException if {@code entry} is not the one after {@link #appliedIndex()}, or
   *     its term is below the last applied term
   */
  public ApplyResult apply(Entry entry) {
    if (entry.index() != appliedIndex + 1) {
      throw new IllegalStateException(
          entry.index() <= appliedIndex
              ? "entry " + entry.index() + " is already applied (applied index " + appliedIndex
                  + "); entries must be applied exactly once"
              : "entry " + entry.index() + " skips ahead of applied index " + appliedIndex
                  + "; entries must be applied in index order without gaps");
    }
    if (entry.term() < appliedTerm) {
      throw new IllegalStateException(
          "entry " + entry.index() + " has term " + entry.term() + " below the last applied term "
              + appliedTerm + "; log terms never decrease");
    }
    ApplyResult result = entry.type() == EntryType.NORMAL
        ? applyCommand(entry.data(), entry.index())
        : new ApplyResult.Noop();
    appliedIndex = entry.index();
    appliedTerm = entry.term();
    return result;
  }

  private ApplyResult applyCommand(byte[] data, long index) {
    Command command;
    try {
      command = CommandCodec.decode(data);
    } catch (IllegalArgumentException e) {
      return new ApplyResult.Rejected(ApplyResult.Reason.INVALID_COMMAND,
          "entry " + index + ": " + e.getMessage());
    }
    clockMillis = Math.max(clockMillis, command.proposedAtMillis());
    sessions.expire(clockMillis);
    long clientId = command.clientId();
    long opId = command.opId();
    Session session = sessions.get(clientId);
    if (session == null && opId != 1) {
      return new ApplyResult.Rejected(ApplyResult.Reason.SESSION_EXPIRED,
          "client " + Long.toUnsignedString(clientId, 16) + " has no session (expired, evicted"
              + " or never opened) and op " + Long.toUnsignedString(opId)
              + " may already have been applied; start a new session with a new clientId and"
              + " opId 1");
    }
    if (session != null && opId == session.lastOpId) {
      sessions.touch(session, clockMillis, index);
      return session.lastResult;
    }
    // ids are unsigned 64-bit numbers (uint64 on the wire): 2^63 and above count as large
    if (session != null && Long.compareUnsigned(opId, session.lastOpId) < 0) {
      return new ApplyResult.Rejected(ApplyResult.Reason.STALE_REQUEST,
          "client " + Long.toUnsignedString(clientId, 16) + " op " + Long.toUnsignedString(opId)
              + " is older than its latest applied op "
              + Long.toUnsignedString(session.lastOpId) + ", whose answer replaced this one's");
    }
    ApplyResult result = execute(command);
    sessions.record(clientId, opId, result, clockMillis, index);
    return result;
  }

  private ApplyResult execute(Command command) {
    if (command instanceof Command.Put put) {
      return new ApplyResult.Put(map.put(put.key(), put.value()));
    }
    if (command instanceof Command.Delete delete) {
      return new ApplyResult.Delete(map.remove(delete.key()) != null);
    }
    Command.Cas cas = (Command.Cas) command;
    byte[] current = map.get(cas.key());
    boolean matches = cas.expected() == null
        ? current == null
        : current != null && Arrays.equals(current, cas.expected());
    if (!matches) {
      return new ApplyResult.Cas(false, current);
    }
    map.put(cas.key(), cas.newValue());
    return new ApplyResult.Cas(true, cas.newValue());
  }

  // ---------------------------------------------------------------- reads

  /**
   * Reads one key at the current applied index.
   *
   * @throws IllegalArgumentException if the key breaks {@link KvLimits}
   */
  public ReadResult get(byte[] key) {
    KvLimits.checkKey(key);
    byte[] value = map.get(key);
    return new ReadResult(value == null ? null : value.clone(), appliedIndex);
  }

  /** Index of the last applied entry (or of the restored snapshot); 0 before any. */
  public long appliedIndex() {
    return appliedIndex;
  }

  /** Term of the last applied entry (or of the restored snapshot); 0 before any. */
  public long appliedTerm() {
    return appliedTerm;
  }

  /** The state machine's clock: the largest {@link Command#proposedAtMillis()} applied so far. */
  public long clockMillis() {
    return clockMillis;
  }

  /** Number of keys. */
  public int size() {
    return map.size();
  }

  /** Sum of the lengths of all keys and values: the raw payload, without overhead. */
  public long dataBytes() {
    return map.rawBytes();
  }

  /** Number of open client sessions. */
  public int sessionCount() {
    return sessions.size();
  }

  /**
   * Bytes of values the sessions' recorded answers hold together; at most {@link
   * KvConfig#maxSessionAnswerBytes()}.
   */
  public long sessionAnswerBytes() {
    return sessions.answerBytes();
  }

  public KvConfig config() {
    return config;
  }

  /**
   * A 64-bit hash of the whole state that steers future behaviour: every key and value, every
   * session (client, last opId, recorded answer, last use), the clock and the {@link KvConfig}.
   * Replicas at the same {@link #appliedIndex()} have equal hashes; unequal hashes there mean
   * divergence. It is maintained on every change (an order-independent sum of per-entry hashes),
   * so reading it is O(1). It is not cryptographic.
   */
  public long stateHash() {
    return image().stateHash();
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Writes the whole state (map, sessions, applied index and term, clock) to {@code out} in the
   * format described in kv/README.md, ending with a CRC32C. Does not close {@code out}. The
   * instance must not change while this runs.
   */
  public void snapshot(OutputStream out) throws IOException {
    SnapshotCodec.write(image(), out);
  }

  /**
   * The exact number of bytes {@link #snapshot(OutputStream)} writes for the current state, found
   * without writing them (O(number of sessions)): a file format that stores the length before the
   * data can then be written in one streaming pass.
   */
  public long snapshotSizeBytes() {
    return SnapshotCodec.sizeBytes(image());
  }

  /**
   * Replaces the whole state with a snapshot read from {@code in} (to its end); the applied index
   * becomes the snapshot's. The snapshot is read and checked completely (magic, version, every
   * field, CRC32C, state hash) before anything changes, so on any failure this state machine is
   * exactly as before. That needs memory for both states at once.
   *
   * @throws IllegalArgumentException if the data is damaged, truncated, of another format or
   *     version, or written with another {@link KvConfig}; the message says which
   * @throws IOException if reading {@code in} fails
   */
  public void restore(InputStream in) throws IOException {
    install(SnapshotCodec.read(in, config));
  }

  /**
   * {@link #restore(InputStream)} from a snapshot the Raft core handed over (in a {@code Ready}, or
   * recovered by the storage), reading its data through {@link
   * io.raftkv.raft.SnapshotData#open()}, and also checking that the data covers the index and term
   * its metadata claims.
   *
   * @throws IllegalArgumentException as {@link #restore(InputStream)}, or if data and metadata disagree
   * @throws UncheckedIOException if the data cannot be read (the message names why, for a file
   *     the file); the state machine is untouched
   */
  public void restore(Snapshot snapshot) {
    StateImage image;
    try (InputStream in = snapshot.data().open()) {
      image = SnapshotCodec.read(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the data of " + snapshot + ": " + e.getMessage(),
          e);
    }
    if (image.appliedIndex() != snapshot.meta().index()
        || image.appliedTerm() != snapshot.meta().term()) {
      throw new IllegalArgumentException("invalid snapshot: its data is at index "
          + image.appliedIndex() + " term " + image.appliedTerm() + " but its metadata says index "
          + snapshot.meta().index() + " term " + snapshot.meta().term());
    }
    install(image);
  }

  private void install(StateImage image) {
    map = image.map();
    sessions = image.sessions();
    appliedIndex = image.appliedIndex();
    appliedTerm = image.appliedTerm();
    clockMillis = image.clockMillis();
  }

  private StateImage image() {
    return new StateImage(map, sessions, appliedIndex, appliedTerm, clockMillis, config);
  }
}
