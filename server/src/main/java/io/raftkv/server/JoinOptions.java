package io.raftkv.server;

import java.util.List;
import java.util.Objects;

/**
 * How a server joins a running cluster ({@code raftkv server --join}) instead of bootstrapping a
 * new one: its data directory starts empty (or holds what an earlier join left), its Raft
 * configuration knows no voters, and it learns the members from the cluster itself.
 *
 * @param existing    client addresses of any of the cluster's members, asked in turn
 * @param self        where this server listens (peers and clients), stored in the configuration
 *                    entry that adds it so every member learns them from the log
 * @param autoPromote let the leader promote this node from learner to voter by itself once it
 *                    has caught up (within {@code RaftConfig.learnerCatchUpEntries} entries and
 *                    holding the latest configuration entry); otherwise an operator promotes it
 *                    (MemberPromote)
 * @param timeoutMillis how long to keep asking the members (no leader yet, another change under
 *                    way) before giving up
 */
public record JoinOptions(List<HostPort> existing, MemberAddresses self, boolean autoPromote,
    long timeoutMillis) {

  public JoinOptions {
    existing = List.copyOf(existing);
    Objects.requireNonNull(self, "self");
    if (existing.isEmpty()) {
      throw new IllegalArgumentException("--join needs at least one member's client address");
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("the join timeout must be positive");
    }
  }
}
