package dev.watchkeeper.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets (session ids, API tokens) and how they are stored (SHA-256 hex). */
public final class Secrets {
  /** 256 random bits: far beyond guessing, so a fast hash is enough to store them. */
  static final int BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** {@code prefix} then 43 URL-safe characters (256 bits). */
  public static String random(String prefix) {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A short random id for public references ({@code tok_} + 16 hex characters). */
  public static String shortId(String prefix) {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  public static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Compares in time independent of where the texts differ. */
  public static boolean equal(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
        b.getBytes(StandardCharsets.UTF_8));
  }
}
