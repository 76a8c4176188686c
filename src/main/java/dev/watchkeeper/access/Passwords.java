package dev.watchkeeper.access;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Password rules and hashing with bcrypt (version 2b). Passwords longer than bcrypt's 72 bytes
 * are first reduced with SHA-512 instead of being cut, so every character counts. Thread-safe.
 */
public final class Passwords {
  /** bcrypt cost (log2 of rounds): about a quarter second per hash on a small server. */
  public static final int DEFAULT_COST = 12;
  public static final int DEFAULT_MIN_LENGTH = 12;
  /** Longest password accepted: hashing cost must not depend on what a client sends. */
  public static final int MAX_LENGTH = 1024;

  private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;

  private final int cost;
  private final java.util.function.IntSupplier minLength;
  private final BCrypt.Hasher hasher =
      BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION));
  private final BCrypt.Verifyer verifyer =
      BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION));
  /**
   * Checked against when the account does not exist, so both cases take the same time. Made on
   * first use, not at start: a bcrypt hash costs a quarter of a second of CPU.
   */
  private volatile String decoy;

  /** @param minLength the shortest new password accepted (read at each check: reloadable) */
  public Passwords(int cost, java.util.function.IntSupplier minLength) {
    this.cost = cost;
    this.minLength = minLength;
  }

  private String decoy() {
    String d = decoy;
    if (d == null) {
      d = hash("decoy password, never valid".toCharArray());
      decoy = d; // two racing first logins both compute one; either is fine
    }
    return d;
  }

  /** What is wrong with {@code password} as a new password, or empty if it is acceptable. */
  public Optional<String> problem(String password) {
    if (password == null || password.isEmpty()) {
      return Optional.of("password: required");
    }
    int n = password.codePointCount(0, password.length());
    int min = minLength.getAsInt();
    if (n < min) {
      return Optional.of("password: must be at least " + min + " characters, got " + n);
    }
    if (n > MAX_LENGTH) {
      return Optional.of("password: must be at most " + MAX_LENGTH + " characters");
    }
    if (password.isBlank()) {
      return Optional.of("password: must not be only spaces");
    }
    return Optional.empty();
  }

  public String hash(char[] password) {
    return new String(hasher.hash(cost, utf8(password)), StandardCharsets.US_ASCII);
  }

  /** True if {@code password} matches {@code hash}; a null hash (no account) is never matched. */
  public boolean verify(char[] password, String hash) {
    byte[] stored = (hash == null ? decoy() : hash).getBytes(StandardCharsets.US_ASCII);
    boolean ok = verifyer.verify(utf8(password), stored).verified;
    return ok && hash != null;
  }

  private static byte[] utf8(char[] password) {
    return new String(password).getBytes(StandardCharsets.UTF_8);
  }
}
