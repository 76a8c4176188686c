package dev.watchkeeper.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API tokens created at run time. Thread-safe; writes are durable when they return. */
public interface TokenStore {
  /** Adds the token; false if an unrevoked token has the same name. */
  boolean insert(StoredToken token);

  Optional<StoredToken> findBySha256(String tokenSha256);

  Optional<StoredToken> find(String id);

  /** Every token, revoked ones too, newest first. */
  List<StoredToken> list();

  /** Revokes the token; the revoked one, or empty if there is none (or it was revoked). */
  Optional<StoredToken> revoke(String id, Instant at, String by);

  /** Records a use. */
  void touch(String id, Instant at);
}
