package dev.watchkeeper.event;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** Time-ordered identifiers (UUID version 7, RFC 9562), so ids sort roughly by creation time. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId(Clock clock) {
    long millis = clock.millis();
    long rand = RANDOM.nextLong();
    long msb = (millis << 16) | 0x7000L | ((rand >>> 52) & 0x0FFFL);
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
