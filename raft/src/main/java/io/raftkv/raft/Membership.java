package io.raftkv.raft;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A cluster configuration: who the members are, which of them vote, and where they are reached.
 * Immutable.
 *
 * <p>Membership is replicated state (thesis §4.1): every configuration after the first is a
 * {@link EntryType#CONFIG} entry in the log, and every snapshot carries the configuration in force
 * at its index. A node uses the latest configuration in its log, whether or not it is committed,
 * and falls back to the previous one if that entry is truncated. The bootstrap configuration (the
 * cluster file of a new cluster, {@link #index()} 0) is written to the log by the first leader, so
 * a node that joins later learns the whole configuration from the log alone.
 */
public final class Membership {
  /** The most members a configuration may hold. */
  public static final int MAX_MEMBERS = 1024;
  private static final byte FORMAT = 1;

  private final long index;
  private final List<Member> members;
  private final int[] voters;

  private Membership(long index, Collection<Member> members) {
    if (index < 0) {
      throw new IllegalArgumentException("configuration index must be >= 0, got " + index);
    }
    if (members.size() > MAX_MEMBERS) {
      throw new IllegalArgumentException("a configuration holds at most " + MAX_MEMBERS
          + " members, got " + members.size());
    }
    TreeMap<Integer, Member> byId = new TreeMap<>();
    for (Member m : members) {
      if (byId.put(m.id(), Objects.requireNonNull(m)) != null) {
        throw new IllegalArgumentException("member " + m.id() + " appears twice in a configuration");
      }
    }
    this.index = index;
    this.members = List.copyOf(byId.values());
    this.voters = this.members.stream().filter(Member::isVoter).mapToInt(Member::id).toArray();
  }

  /** A configuration of the given members, set by the entry at {@code index} (0: bootstrap). */
  public static Membership of(long index, Collection<Member> members) {
    return new Membership(index, members);
  }

  /** A bootstrap configuration (index 0) of voters without addresses (tests, the simulator). */
  public static Membership ofVoters(Collection<Integer> voterIds) {
    return bootstrap(voterIds, Map.of());
  }

  /** A bootstrap configuration (index 0) of voters, each at its address if given. */
  public static Membership bootstrap(Collection<Integer> voterIds, Map<Integer, String> addresses) {
    List<Member> ms = new ArrayList<>();
    for (int id : voterIds) {
      ms.add(new Member(id, MemberRole.VOTER, addresses.getOrDefault(id, ""), false));
    }
    return new Membership(0, ms);
  }

  /** The configuration of a node that knows none yet (it joins an existing cluster). */
  public static final Membership EMPTY = new Membership(0, List.of());

  /** The log index of the entry that set this configuration; 0 for the bootstrap one. */
  public long index() {
    return index;
  }

  /** All members, ascending by id. */
  public List<Member> members() {
    return members;
  }

  /** Voter ids, ascending (a fresh array). */
  public int[] voters() {
    return voters.clone();
  }

  /** Learner ids, ascending. */
  public List<Integer> learners() {
    return members.stream().filter(m -> !m.isVoter()).map(Member::id).toList();
  }

  public int voterCount() {
    return voters.length;
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  public boolean contains(int id) {
    return member(id) != null;
  }

  public boolean isVoter(int id) {
    return Arrays.binarySearch(voters, id) >= 0;
  }

  public boolean isLearner(int id) {
    Member m = member(id);
    return m != null && !m.isVoter();
  }

  /** The member with this id, or null. */
  public Member member(int id) {
    for (Member m : members) {
      if (m.id() == id) {
        return m;
      }
    }
    return null;
  }

  /** This configuration as set by the entry at {@code newIndex}. */
  public Membership atIndex(long newIndex) {
    return new Membership(newIndex, members);
  }

  /**
   * The configuration {@code change} leads to, to be set by the entry at {@code newIndex}.
   *
   * @throws IllegalArgumentException naming why the change does not apply to this configuration
   */
  public Membership apply(ConfChange change, long newIndex) {
    int id = change.nodeId();
    Member current = member(id);
    List<Member> next = new ArrayList<>(members);
    switch (change.type()) {
      case ADD_LEARNER -> {
        require(current == null, "node " + id + " is already a member (" + current + ")");
        next.add(new Member(id, MemberRole.LEARNER, change.address(), change.autoPromote()));
      }
      case PROMOTE -> {
        require(current != null && !current.isVoter(), "node " + id + " is not a learner"
            + (current == null ? " (not a member)" : " (already a voter)"));
        next.set(next.indexOf(current), current.withRole(MemberRole.VOTER));
      }
      case DEMOTE -> {
        require(current != null && current.isVoter(), "node " + id + " is not a voter");
        require(voters.length > 1, "node " + id + " is the last voter");
        next.set(next.indexOf(current), current.withRole(MemberRole.LEARNER));
      }
      case REMOVE -> {
        require(current != null, "node " + id + " is not a member");
        require(!current.isVoter() || voters.length > 1, "node " + id + " is the last voter");
        next.remove(current);
      }
    }
    return new Membership(newIndex, next);
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }

  // ---------------------------------------------------------------- encoding

  /** The bytes of a {@link EntryType#CONFIG} entry holding this configuration. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + members.size() * 16);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeInt(members.size());
      for (Member m : members) {
        out.writeInt(m.id());
        out.writeByte(m.isVoter() ? 0 : 1);
        out.writeByte(m.autoPromote() ? 1 : 0);
        byte[] address = m.address().getBytes(StandardCharsets.UTF_8);
        out.writeShort(address.length);
        out.write(address);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The configuration encoded in {@code data}, set by the entry at {@code index}.
   *
   * @throws IllegalArgumentException if the bytes are not a valid configuration
   */
  public static Membership decode(long index, byte[] data) {
    try {
      ByteBuffer in = ByteBuffer.wrap(data);
      byte format = in.get();
      require(format == FORMAT, "unknown configuration format " + format);
      int count = in.getInt();
      require(count >= 0 && count <= MAX_MEMBERS, "member count " + count + " out of range");
      List<Member> ms = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int id = in.getInt();
        byte role = in.get();
        byte auto = in.get();
        require(role == 0 || role == 1, "unknown member role " + role);
        require(auto == 0 || auto == 1, "bad auto-promote flag " + auto);
        int length = Short.toUnsignedInt(in.getShort());
        require(length <= Member.MAX_ADDRESS_BYTES, "address of " + length + " bytes");
        byte[] address = new byte[length];
        in.get(address);
        ms.add(new Member(id, role == 0 ? MemberRole.VOTER : MemberRole.LEARNER,
            new String(address, StandardCharsets.UTF_8), auto == 1));
      }
      require(!in.hasRemaining(), in.remaining() + " trailing bytes");
      Membership m = new Membership(index, ms);
      require(m.voterCount() > 0, "no voter");
      return m;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("invalid configuration entry at " + index + ": truncated");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid configuration entry at " + index + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Membership m && m.index == index && m.members.equals(members);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + members.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("config@").append(index).append('[');
    for (int i = 0; i < members.size(); i++) {
      sb.append(i == 0 ? "" : " ").append(members.get(i));
    }
    return sb.append(']').toString();
  }
}
