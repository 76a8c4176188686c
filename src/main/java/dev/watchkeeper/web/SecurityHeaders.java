package dev.watchkeeper.web;

import dev.watchkeeper.config.WatchkeeperConfig;
import io.javalin.http.Context;

/**
 * Headers on every response that keep browsers from running injected script, framing the pages,
 * leaking URLs in Referer, or guessing content types. Pages are built to need nothing more: no
 * inline script or style, no third-party origin.
 */
final class SecurityHeaders {
  static final String CSP = "default-src 'self'; script-src 'self'; object-src 'none';"
      + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private SecurityHeaders() {}

  static void apply(Context ctx, WatchkeeperConfig.Security security) {
    each(security, ctx::header);
  }

  /** Gives every header to {@code put} (name, value). */
  static void each(WatchkeeperConfig.Security security,
      java.util.function.BiConsumer<String, String> put) {
    put.accept("Content-Security-Policy", CSP);
    put.accept("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form
    // POSTs, and the login form's origin check (login CSRF) then refuses every login. Other
    // sites still get no Referer; one-click link pages (token in the URL) send none at all.
    put.accept("Referrer-Policy", "same-origin");
    put.accept("X-Content-Type-Options", "nosniff");
    if (!security.hstsMaxAge().isZero()) {
      put.accept("Strict-Transport-Security", "max-age=" + security.hstsMaxAge().toSeconds());
    }
  }
}
