package io.raftkv.client;

import java.util.List;
import java.util.Objects;

/** What both client APIs are configured with; the server list is checked here. */
record ClientConfig(List<String> servers, RetryPolicy retryPolicy, ServerConnectionListener listener,
    ChannelFactory channels) {

  ClientConfig {
    servers = Addresses.check(servers);
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(channels, "channels");
  }
}
