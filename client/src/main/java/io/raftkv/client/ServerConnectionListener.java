package io.raftkv.client;

/**
 * Told whenever the client starts talking to a server: on its first operation, every time it
 * fails over to another server, and (with {@link Routing#LEADER}) when writes start going to a
 * leader it found. This is the seed kvslib's {@code NewServerConnection} trace point;
 * a tracer attaches here.
 *
 * <p>Called on a client thread, outside the client's locks; it must return quickly and must not
 * throw (an exception is logged and otherwise ignored).
 */
@FunctionalInterface
public interface ServerConnectionListener {

  /** A listener that does nothing. */
  ServerConnectionListener NONE = (serverIndex, serverAddress) -> {};

  /**
   * The client now sends its operations to this server.
   *
   * @param serverIndex the server's position in the configured server list, from 0; a leader
   *     address learned from the cluster's Status that was not configured gets the next index
   *     after the configured ones, in the order learned
   * @param serverAddress the server's address as configured, or as the cluster's Status named it
   *     ({@code host:port})
   */
  void onNewServerConnection(int serverIndex, String serverAddress);
}
