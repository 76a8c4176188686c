package dev.watchkeeper.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Local accounts and their roles. Thread-safe; writes are durable when they return. */
public interface AccountStore {
  /** Adds the account with its grants; false if the name is taken. */
  boolean create(Account account);

  Optional<Account> find(String name);

  /** Every account, by name. */
  List<Account> list();

  /**
   * Replaces the password hash and ends every session of the account, in one transaction (a
   * stolen session must not outlive a password change). False if there is no such account.
   */
  boolean changePassword(String name, String passwordHash, Instant at);

  /** Replaces the account's grants; false if there is no such account. */
  boolean setGrants(String name, Grants grants);

  /** Deletes the account, its roles and its sessions; false if there was none. */
  boolean delete(String name);
}
