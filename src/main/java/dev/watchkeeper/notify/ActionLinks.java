package dev.watchkeeper.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring one-click links to acknowledge or resolve an incident from a notification,
 * without logging in: {@code <public_url>/act/<token>}. The token is {@code base64url(incident
 * ":" action ":" user ":" expiry-epoch-seconds) "." base64url(HMAC-SHA256)} under a server secret
 * (generated once per database, so every node accepts every node's links). Opening the link
 * (GET) only shows a confirmation page; the action is a POST from that page, so mail scanners
 * that follow links do not acknowledge anything. Thread-safe.
 */
public final class ActionLinks {

  /** What a link does. */
  public enum Action {
    ACKNOWLEDGE, RESOLVE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A verified link: who may do what to which incident, until when. */
  public record Grant(long incidentId, Action action, String userId, Instant expiresAt) {}

  /** Why a token was refused. */
  public sealed interface Checked {}

  public record Valid(Grant grant) implements Checked {}

  /** Not a token of ours (malformed or a bad signature): answered as "not found". */
  public record Invalid() implements Checked {}

  /** A genuine token past its expiry. */
  public record Expired(Grant grant) implements Checked {}

  private final Supplier<String> secret;
  private final Supplier<String> publicUrl;
  private final Supplier<Duration> ttl;
  private final Clock clock;

  /**
   * @param secret the signing secret (read at each call)
   * @param publicUrl the server's public base URL, e.g. {@code https://wk.example.com}
   * @param ttl how long a link works
   */
  public ActionLinks(Supplier<String> secret, Supplier<String> publicUrl, Supplier<Duration> ttl,
      Clock clock) {
    this.secret = secret;
    this.publicUrl = publicUrl;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The link for {@code userId} to do {@code action} to the incident. */
  public String link(long incidentId, Action action, String userId) {
    long exp = clock.instant().plus(ttl.get()).getEpochSecond();
    String payload = incidentId + ":" + action.wire() + ":" + userId + ":" + exp;
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return base() + "/act/" + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(mac(payload));
  }

  /** The incident's page. */
  public String incident(long incidentId) {
    return base() + "/api/v1/incidents/" + incidentId;
  }

  private String base() {
    String u = publicUrl.get();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  /** Verifies a token (constant-time signature comparison), then its expiry. */
  public Checked check(String token) {
    if (token == null || token.length() > 1024) {
      return new Invalid();
    }
    int dot = token.indexOf('.');
    if (dot < 0) {
      return new Invalid();
    }
    String payload;
    byte[] given;
    try {
      payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8);
      given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return new Invalid();
    }
    if (!MessageDigest.isEqual(mac(payload), given)) {
      return new Invalid();
    }
    Optional<Grant> grant = parse(payload);
    if (grant.isEmpty()) {
      return new Invalid();
    }
    return clock.instant().isBefore(grant.get().expiresAt())
        ? new Valid(grant.get()) : new Expired(grant.get());
  }

  private static Optional<Grant> parse(String payload) {
    String[] p = payload.split(":", -1);
    if (p.length != 4) {
      return Optional.empty();
    }
    try {
      Action a = Action.valueOf(p[1].toUpperCase(java.util.Locale.ROOT));
      return Optional.of(new Grant(Long.parseLong(p[0]), a, p[2],
          Instant.ofEpochSecond(Long.parseLong(p[3]))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(("action:" + payload).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }
}
