package dev.watchkeeper.event;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered identifiers (UUID version 7, RFC 9562), so ids sort roughly by creation time.
 * They name things and are not secrets (tokens and session ids come from {@code SecureRandom}
 * elsewhere), so the random bits come from {@link ThreadLocalRandom}: the shared, synchronised
 * {@code SecureRandom} used before made ingest threads wait for each other (two ids per event).
 */
public final class Ids {

  private Ids() {}

  public static String newId(Clock clock) {
    long millis = clock.millis();
    long rand = ThreadLocalRandom.current().nextLong();
    long msb = (millis << 16) | 0x7000L | ((rand >>> 52) & 0x0FFFL);
    long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
