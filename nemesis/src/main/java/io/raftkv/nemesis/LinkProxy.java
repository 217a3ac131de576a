package io.raftkv.nemesis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for one directed link i→j: node i's configuration names this proxy's port as j's
 * peer address, and the proxy forwards bytes both ways to j's real peer port. A gRPC stream that i
 * opens to j therefore carries exactly i's messages to j (and j's replies on that stream, and
 * i's forwarded client requests); j's own messages to i travel through the j→i proxy.
 *
 * <p>{@link #cut()} closes every connection at once and closes each new connection as soon as it
 * is accepted; {@link #heal()} lets new connections through again. Plain sockets, two threads per
 * connection (daemon), so nothing here can block the harness.
 */
final class LinkProxy implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;

  final int from;
  final int to;
  private final int targetPort;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean passing = true;
  private volatile boolean closed;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  LinkProxy(int from, int to, int targetPort) throws IOException {
    this.from = from;
    this.to = to;
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.acceptor = new Thread(this::acceptLoop, "proxy-" + from + "-" + to);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The loopback port this proxy listens on. */
  int port() {
    return listener.getLocalPort();
  }

  boolean passing() {
    return passing;
  }

  long acceptedConnections() {
    return accepted.get();
  }

  long refusedConnections() {
    return refused.get();
  }

  /** Stops the link: closes every open connection now and every new one on arrival. */
  void cut() {
    passing = false;
    closeAll();
  }

  /** Lets new connections through again (connections closed by the cut stay closed). */
  void heal() {
    passing = true;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket in;
      try {
        in = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (!passing) {
        refused.incrementAndGet();
        quietClose(in);
        continue;
      }
      Socket out = new Socket();
      try {
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort),
            CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        quietClose(in); // the target is down: the initiator sees the connection fail
        quietClose(out);
        continue;
      }
      open.add(in);
      open.add(out);
      if (!passing || closed) { // cut while connecting
        refused.incrementAndGet();
        quietClose(in);
        quietClose(out);
        open.remove(in);
        open.remove(out);
        continue;
      }
      accepted.incrementAndGet();
      pump(in, out, "proxy-" + from + "-" + to + "-up");
      pump(out, in, "proxy-" + from + "-" + to + "-down");
    }
  }

  private void pump(Socket src, Socket dst, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream is = src.getInputStream(); OutputStream os = dst.getOutputStream()) {
        int n;
        while ((n = is.read(buf)) >= 0) {
          if (!passing) {
            break;
          }
          os.write(buf, 0, n);
          os.flush();
        }
      } catch (IOException e) {
        // closed by a cut or by either end
      } finally {
        quietClose(src);
        quietClose(dst);
        open.remove(src);
        open.remove(dst);
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private void closeAll() {
    for (Socket s : open) {
      quietClose(s);
    }
    open.clear();
  }

  int openSockets() {
    return open.size();
  }

  private static void quietClose(Socket s) {
    try {
      s.setSoLinger(true, 0); // reset, so neither end waits on a half-closed connection
    } catch (IOException | RuntimeException e) {
      // closing anyway
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    passing = false;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    closeAll();
  }

  @Override
  public String toString() {
    return from + "->" + to + (passing ? " pass" : " cut");
  }
}
