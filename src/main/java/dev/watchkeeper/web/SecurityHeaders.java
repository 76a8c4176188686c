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
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form
    // POSTs, and the login form's origin check (login CSRF) then refuses every login. Other
    // sites still get no Referer; one-click link pages (token in the URL) send none at all.
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Content-Type-Options", "nosniff");
    if (!security.hstsMaxAge().isZero()) {
      ctx.header("Strict-Transport-Security", "max-age=" + security.hstsMaxAge().toSeconds());
    }
  }
}
