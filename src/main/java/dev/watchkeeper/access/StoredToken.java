package dev.watchkeeper.access;

import dev.watchkeeper.config.WatchkeeperConfig.Role;
import java.time.Instant;

/**
 * An API token created at run time. The token itself is shown once, at creation; only its
 * SHA-256 is kept.
 *
 * @param id the public id used to list and revoke it ({@code tok_...})
 * @param team the team it acts for, or null for every team
 * @param lastUsedAt null if never used (updated at most once a minute)
 * @param revokedAt null while it works
 */
public record StoredToken(String id, String name, String tokenSha256, String team, Role role,
    String createdBy, Instant createdAt, Instant lastUsedAt, Instant revokedAt,
    String revokedBy) {
  public boolean revoked() {
    return revokedAt != null;
  }

  public Grants grants() {
    return Grants.team(team, role);
  }

  @Override
  public String toString() {
    return "StoredToken[id=" + id + ", name=" + name + ", team=" + team + ", role=" + role + "]";
  }
}
