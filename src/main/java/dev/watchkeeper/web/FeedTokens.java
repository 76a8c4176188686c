package dev.watchkeeper.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret tokens of the iCalendar feed URLs: HMAC-SHA256 of the feed's name ({@code
 * schedule:db}, {@code user:ann}) under the server's feed secret, base64url without padding. No
 * token is stored: the same secret gives every node the same URLs, and changing the secret
 * revokes them all. Thread-safe.
 */
final class FeedTokens {
  private final Supplier<String> secret;

  /** @param secret the current feed secret (read at each call, so a reload applies) */
  FeedTokens(Supplier<String> secret) {
    this.secret = secret;
  }

  String token(String kind, String id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(kind, id));
  }

  /** True when {@code token} is the feed's token; compared in constant time. */
  boolean valid(String kind, String id, String token) {
    if (token == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(kind, id), given);
  }

  private byte[] mac(String kind, String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }
}
