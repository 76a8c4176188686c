package dev.watchkeeper.check.udp;

import dev.watchkeeper.check.PingKind;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A UDP heartbeat: {@code <check-key> <status> <unix-ts> <hmac-hex> [message]}, ASCII fields
 * separated by single spaces, the message (optional) is the rest of the datagram (UTF-8).
 * {@code check-key} is the check's id or {@code service/slug}; {@code status} is {@code ok},
 * {@code start}, {@code fail}, {@code log} or an exit code 0..255; {@code unix-ts} is seconds
 * since the epoch; {@code hmac-hex} is HMAC-SHA256, in lower-case hex, keyed with the check's (or
 * the global) secret, over the datagram without its hmac field:
 * {@code <check-key> <status> <unix-ts>[ <message>]}.
 *
 * <p>Pure: parsing and verification only.
 */
public record Datagram(String checkKey, PingKind kind, Integer exitCode, Instant sentAt,
    String hmacHex, String message) {
  public static final int MAX_BYTES = 4096;

  /** Why a datagram was dropped (the tag of the counter). */
  public enum Drop {
    MALFORMED, UNKNOWN_CHECK, NO_SECRET, BAD_SIGNATURE, STALE, REPLAYED,
    /** Authentic, but beyond the check's {@code checks.udp.rate_limit}. */
    RATE_LIMITED
  }

  /** Parses; empty when the datagram is not of the form above. */
  public static Optional<Datagram> parse(byte[] data, int length) {
    if (length <= 0 || length > MAX_BYTES) {
      return Optional.empty();
    }
    String text = new String(data, 0, length, StandardCharsets.UTF_8).stripTrailing();
    String[] f = text.split(" ", 5);
    if (f.length < 4 || f[0].isEmpty() || f[0].length() > 200) {
      return Optional.empty();
    }
    PingKind kind;
    Integer exit = null;
    switch (f[1]) {
      case "ok", "success" -> kind = PingKind.SUCCESS;
      case "start" -> kind = PingKind.START;
      case "fail" -> kind = PingKind.FAIL;
      case "log" -> kind = PingKind.LOG;
      default -> {
        if (!f[1].matches("\\d{1,3}") || Integer.parseInt(f[1]) > 255) {
          return Optional.empty();
        }
        exit = Integer.parseInt(f[1]);
        kind = exit == 0 ? PingKind.SUCCESS : PingKind.FAIL;
      }
    }
    if (!f[2].matches("\\d{1,12}") || !f[3].matches("[0-9a-fA-F]{64}")) {
      return Optional.empty();
    }
    return Optional.of(new Datagram(f[0], kind, exit, Instant.ofEpochSecond(Long.parseLong(f[2])),
        f[3].toLowerCase(java.util.Locale.ROOT), f.length == 5 ? f[4] : null));
  }

  /** The text the HMAC covers: the status as the sender spelled it ("ok" or "success"). */
  static String signedText(String key, String status, long ts, String message) {
    return key + " " + status + " " + ts + (message == null ? "" : " " + message);
  }

  /** Verifies signature and timestamp; empty when good, else why it is dropped. */
  public Optional<Drop> verify(String rawStatus, String secret, Instant now, Duration window) {
    if (secret == null) {
      return Optional.of(Drop.NO_SECRET);
    }
    byte[] expected = hmac(secret, signedText(checkKey, rawStatus, sentAt.getEpochSecond(),
        message));
    if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(hmacHex))) {
      return Optional.of(Drop.BAD_SIGNATURE);
    }
    if (Duration.between(sentAt, now).abs().compareTo(window) > 0) {
      return Optional.of(Drop.STALE);
    }
    return Optional.empty();
  }

  public static byte[] hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** A datagram a sender would send (for tests and tools). */
  public static String sign(String secret, String key, String status, long ts, String message) {
    String text = signedText(key, status, ts, message);
    String h = HexFormat.of().formatHex(hmac(secret, text));
    return key + " " + status + " " + ts + " " + h + (message == null ? "" : " " + message);
  }

  /** The status field as sent (the signature covers it as sent). */
  static String rawStatus(byte[] data, int length) {
    String text = new String(data, 0, length, StandardCharsets.UTF_8);
    String[] f = text.split(" ", 3);
    return f.length > 1 ? f[1] : "";
  }
}
