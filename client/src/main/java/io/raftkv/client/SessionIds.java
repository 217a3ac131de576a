package io.raftkv.client;

import java.security.SecureRandom;

/**
 * Random session ids for the wire's {@code client_id}.
 *
 * <p>Random rather than derived from the client's name: the servers keep a session's latest answer
 * by this id, and a client restarted under the same name numbers its operations from 1 again, so
 * reusing the old id would get its new writes answered with the old session's results or refused
 * as stale. 64 random bits make a collision between live clients negligible. Zero is skipped
 * because it is the proto default, which a server may read as "no session".
 */
final class SessionIds {
  private SessionIds() {}

  private static final SecureRandom RANDOM = new SecureRandom();

  static long next() {
    long id;
    do {
      id = RANDOM.nextLong();
    } while (id == 0);
    return id;
  }
}
