package io.raftkv.server;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.raftkv.api.v1.KVGrpc;

/**
 * The standard {@code grpc.health.v1.Health} service on the client port, for orchestrators'
 * gRPC probes and {@code grpc-health-probe}: SERVING while the node's published view knows a
 * leader (it can then serve writes and linearizable reads, itself or by forwarding), NOT_SERVING
 * otherwise (electing, cut off from a majority, still starting, removed from the cluster), for the whole server ({@code ""})
 * and for {@code raftkv.v1.KV}. At shutdown every service reports NOT_SERVING for good.
 */
final class HealthReporter {
  /** The services a probe may name: the whole server, and the public KV API. */
  static final String[] SERVICES = {HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
      KVGrpc.SERVICE_NAME};

  private final HealthStatusManager manager = new HealthStatusManager();
  private final NodeRuntime runtime;
  private ServingStatus last;
  private boolean stopped;

  HealthReporter(NodeRuntime runtime) {
    this.runtime = runtime;
    update();
    runtime.onLeaderKnown(this::update);
    update(); // a change published before the listener was set
  }

  BindableService service() {
    return manager.getHealthService();
  }

  /** Sets the status from the runtime's current view (any thread; cheap when unchanged). */
  synchronized void update() {
    if (stopped) {
      return;
    }
    NodeView v = runtime.view();
    ServingStatus s = v.leaderKnown() && !v.removed() ? ServingStatus.SERVING
        : ServingStatus.NOT_SERVING;
    if (s != last) {
      for (String service : SERVICES) {
        manager.setStatus(service, s);
      }
      last = s;
    }
  }

  /** NOT_SERVING from now on, whatever the node does while it stops. */
  synchronized void stop() {
    stopped = true;
    manager.enterTerminalState();
  }
}
