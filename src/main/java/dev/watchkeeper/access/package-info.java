/**
 * Who may do what: local accounts and their password hashes, roles per team ({@link Grants}),
 * login sessions, API tokens created at run time, and the {@link Principal} a request acts as.
 * Storage is behind the interfaces here ({@link AccountStore}, {@link SessionStore},
 * {@link TokenStore}); the JDBC implementations live in {@code store}. See RATIONALE.md beside
 * this file for the choices (bcrypt, hashed session ids, HMAC-derived CSRF tokens).
 */
package dev.watchkeeper.access;
