package io.raftkv.server;

import io.raftkv.raft.Member;

/**
 * A member's two addresses, as the server stores them in the opaque {@link Member#address()} of a
 * configuration entry, so that every node learns where new members are from the log itself
 * (thesis §4.1; no second member list that could drift).
 *
 * <p>The text form is {@code peer=HOST:PORT,client=HOST:PORT} (IPv6 hosts in brackets, as {@link
 * HostPort#target()} writes them), for example {@code peer=10.0.0.4:7101,client=10.0.0.4:7001}.
 * Both parts are required, in that order; nothing else is accepted.
 *
 * @param peer   where the other members reach it (the peer port)
 * @param client where clients reach it
 */
public record MemberAddresses(HostPort peer, HostPort client) {
  private static final String PEER = "peer=";
  private static final String CLIENT = ",client=";

  public MemberAddresses {
    java.util.Objects.requireNonNull(peer, "peer");
    java.util.Objects.requireNonNull(client, "client");
  }

  /** The text form stored in {@link Member#address()}. */
  public String encode() {
    return PEER + peer.target() + CLIENT + client.target();
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException naming what is wrong, in one line
   */
  public static MemberAddresses decode(String text) {
    int comma = text.indexOf(CLIENT);
    if (!text.startsWith(PEER) || comma < 0) {
      throw new IllegalArgumentException("member address '" + text + "' is not"
          + " peer=HOST:PORT,client=HOST:PORT");
    }
    HostPort peer = HostPort.parse(text.substring(PEER.length(), comma));
    HostPort client = HostPort.parse(text.substring(comma + CLIENT.length()));
    return new MemberAddresses(peer, client);
  }

  /** {@code m}'s addresses, or null if it has none this server can read (tests, the simulator). */
  public static MemberAddresses of(Member m) {
    try {
      return decode(m.address());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
