package dev.watchkeeper.web;

import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Looks up presented secrets by their SHA-256 hash; the plain secrets are never kept. Built anew
 * from each config (immutable, so a reload swaps it atomically).
 */
public final class Credentials {
  /** Which service and key an integration key belongs to. */
  public record KeyRef(String service, String keyName) {}

  private final Map<String, KeyRef> integrationKeys = new HashMap<>();
  private final Map<String, ApiToken> apiTokens = new HashMap<>();

  public Credentials(WatchkeeperConfig config) {
    for (WatchkeeperConfig.Service s : config.services()) {
      for (WatchkeeperConfig.IntegrationKey k : s.integrationKeys()) {
        integrationKeys.put(k.keySha256(), new KeyRef(s.id(), k.name()));
      }
    }
    for (ApiToken t : config.apiTokens()) {
      apiTokens.put(t.tokenSha256(), t);
    }
  }

  public Optional<KeyRef> integrationKey(String presented) {
    return presented == null ? Optional.empty()
        : Optional.ofNullable(integrationKeys.get(sha256(presented)));
  }

  public Optional<ApiToken> apiToken(String presented) {
    return presented == null ? Optional.empty()
        : Optional.ofNullable(apiTokens.get(sha256(presented)));
  }

  /** One digest per thread: looking the provider up on every request showed in profiles. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  });

  public static String sha256(String s) {
    MessageDigest md = SHA256.get();
    md.reset();
    return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
