package io.raftkv.client;

import io.raftkv.api.v1.RequestHeader;
import java.util.function.Consumer;

/**
 * A write's hold on a {@link WriteSessions} session. The write may finish (deadline, close) while
 * still waiting for a session, so a session that arrives after release goes straight back.
 */
final class WriteIdentity implements OpIdentity {
  private final WriteSessions pool;
  private WriteSessions.Session session; // guarded by this
  private RequestHeader header; // guarded by this
  private boolean released; // guarded by this

  WriteIdentity(WriteSessions pool) {
    this.pool = pool;
  }

  @Override
  public void acquire(Consumer<RequestHeader> ready) {
    pool.acquire(granted -> {
      RequestHeader first;
      synchronized (this) {
        if (released) {
          first = null;
        } else {
          session = granted;
          header = granted.nextHeader();
          first = header;
        }
      }
      if (first == null) {
        pool.release(granted);
      } else {
        ready.accept(first);
      }
    });
  }

  /**
   * Only a write numbered above 1 can be refused for an unknown session (a session's first write
   * opens it), so a refusal of op 1 is final.
   */
  @Override
  public synchronized RequestHeader renew() {
    if (released || session == null || header.getOpId() == 1) {
      return null;
    }
    session = pool.replace(session);
    header = session.nextHeader();
    return header;
  }

  @Override
  public synchronized void refusedUnapplied() {
    if (!released && session != null && header != null) {
      session.unissue(header.getOpId());
    }
  }

  @Override
  public void release() {
    WriteSessions.Session held;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      held = session;
      session = null;
    }
    if (held != null) {
      pool.release(held);
    }
  }
}
