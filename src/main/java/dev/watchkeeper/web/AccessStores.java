package dev.watchkeeper.web;

import dev.watchkeeper.access.AccountStore;
import dev.watchkeeper.access.Passwords;
import dev.watchkeeper.access.SessionStore;
import dev.watchkeeper.access.TokenStore;
import dev.watchkeeper.audit.AuditLog;
import java.util.function.Supplier;

/**
 * What logins, sessions and run-time API tokens need, built by the application wiring.
 *
 * @param csrfSecret the key CSRF tokens are derived from (HMAC of the session id), shared by
 *     every node
 */
public record AccessStores(AccountStore accounts, SessionStore sessions, TokenStore tokens,
    Passwords passwords, Supplier<String> csrfSecret, AuditLog audit) {}
