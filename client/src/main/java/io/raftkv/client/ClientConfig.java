package io.raftkv.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What both client APIs are configured with; the server list is checked here. */
record ClientConfig(List<String> servers, RetryPolicy retryPolicy, ServerConnectionListener listener,
    ChannelFactory channels, int maxConcurrentWrites, Routing routing, Duration leaderProbeInterval,
    Duration memberRefreshInterval) {

  ClientConfig {
    servers = Addresses.check(servers);
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(leaderProbeInterval, "leaderProbeInterval");
    Objects.requireNonNull(memberRefreshInterval, "memberRefreshInterval");
    if (maxConcurrentWrites < 1) {
      throw new IllegalArgumentException("maxConcurrentWrites must be at least 1, got " + maxConcurrentWrites);
    }
  }
}
