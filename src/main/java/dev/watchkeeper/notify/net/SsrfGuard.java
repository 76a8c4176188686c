package dev.watchkeeper.notify.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides whether an outgoing URL may be contacted: http(s) only, and every address its host
 * resolves to must be public, unless an allow-listed range covers it
 * ({@code notifications.allow_private_networks}).
 *
 * <p>The check and the connection use the same addresses: {@link GuardedHttp} connects to the
 * {@link Verdict.Allowed#addresses()} returned here and never resolves the host again, so a DNS
 * answer that changes between check and connect (DNS rebinding) cannot slip through.
 *
 * <p>Threading: immutable; safe for concurrent use.
 */
public final class SsrfGuard {

  /** Ranges never contacted unless allow-listed; IPv4-mapped/compatible v6 is checked as v4. */
  private static final List<Named> BLOCKED =
      List.of(
          new Named("0.0.0.0/8", "this-network"),
          new Named("10.0.0.0/8", "private (RFC 1918)"),
          new Named("100.64.0.0/10", "carrier-grade NAT"),
          new Named("127.0.0.0/8", "loopback"),
          new Named("169.254.0.0/16", "link-local"),
          new Named("172.16.0.0/12", "private (RFC 1918)"),
          new Named("192.0.0.0/24", "IETF protocol assignments"),
          new Named("192.168.0.0/16", "private (RFC 1918)"),
          new Named("198.18.0.0/15", "benchmarking"),
          new Named("224.0.0.0/4", "multicast"),
          new Named("240.0.0.0/4", "reserved or broadcast"),
          new Named("::/128", "unspecified"),
          new Named("::1/128", "loopback"),
          new Named("fc00::/7", "unique local"),
          new Named("fe80::/10", "link-local"),
          new Named("fec0::/10", "site-local"),
          new Named("ff00::/8", "multicast"));

  // built from bytes: InetAddress turns a mapped literal into an Inet4Address
  private static final Cidr V4_MAPPED =
      new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);
  private static final Cidr V4_COMPATIBLE = Cidr.parse("::/96");
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

  /** One label of a numeric IPv4 spelling: decimal, octal or hex. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("(?i)0x[0-9a-f]*|[0-9]+");

  private static final Pattern CANONICAL_V4 =
      Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");

  private final List<Cidr> allowed;

  /**
   * @param allowPrivateNetworks CIDR ranges let through although blocked (tests, the demo, a
   *     receiver on the LAN); e.g. {@code 127.0.0.1/32}
   * @throws IllegalArgumentException naming every malformed entry
   */
  public SsrfGuard(List<String> allowPrivateNetworks) {
    List<Cidr> parsed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < allowPrivateNetworks.size(); i++) {
      try {
        parsed.add(Cidr.parse(allowPrivateNetworks.get(i)));
      } catch (IllegalArgumentException e) {
        errors.add("notifications.allow_private_networks[" + i + "]: " + e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors));
    }
    this.allowed = List.copyOf(parsed);
  }

  /** A guard with no exceptions. */
  public static SsrfGuard strict() {
    return new SsrfGuard(List.of());
  }

  /** The outcome of {@link #check}. */
  public sealed interface Verdict {
    /** May be contacted, at exactly these addresses. */
    record Allowed(List<InetAddress> addresses) implements Verdict {}

    /** Must not be contacted; the reason names scheme and host at most, never path or query. */
    record Refused(String reason) implements Verdict {}

    /** The host did not resolve (maybe transient). */
    record Unresolved(String reason) implements Verdict {}
  }

  /** Checks the URL's scheme and host, resolving the host once. */
  public Verdict check(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Verdict.Refused(
          "refused: scheme \"" + (scheme.isEmpty() ? "(none)" : scheme) + "\" (only http and https)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return new Verdict.Refused("refused " + scheme + "://: no valid host name");
    }
    String where = describe(uri);
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!bare.contains(":") && isNumeric(bare) && !CANONICAL_V4.matcher(bare).matches()) {
      // 2130706433, 0177.0.0.1, 0x7f.1, 127.1: resolvers disagree on these, so take none of them
      return new Verdict.Refused("refused " + where + ": not a canonical IP address");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(bare);
    } catch (UnknownHostException e) {
      return new Verdict.Unresolved("cannot resolve " + where);
    }
    if (addresses.length == 0) {
      return new Verdict.Unresolved("cannot resolve " + where);
    }
    for (InetAddress a : addresses) {
      String why = forbidden(a);
      if (why != null) {
        return new Verdict.Refused(
            "refused " + where + ": resolves to " + why + " address " + a.getHostAddress());
      }
    }
    return new Verdict.Allowed(List.of(addresses));
  }

  private static boolean isNumeric(String host) {
    for (String label : host.split("\\.", -1)) {
      if (!NUMERIC_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Why the address may not be contacted, or null if it may. */
  String forbidden(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Cidr c : allowed) {
      if (c.contains(bytes)) {
        return null;
      }
    }
    byte[] v4 = embeddedV4(address);
    if (v4 != null) {
      String why = forbiddenRange(v4);
      if (why != null) {
        return why + " (embedded in IPv6)";
      }
      for (Cidr c : allowed) {
        if (c.contains(v4)) {
          return null;
        }
      }
    }
    return forbiddenRange(bytes);
  }

  private static String forbiddenRange(byte[] bytes) {
    for (Named n : BLOCKED) {
      if (n.range.contains(bytes)) {
        return n.name;
      }
    }
    return null;
  }

  /** The IPv4 address inside a mapped, compatible, NAT64 or 6to4 IPv6 address; else null. */
  private static byte[] embeddedV4(InetAddress address) {
    if (address instanceof Inet4Address) {
      return null;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      if (V4_MAPPED.contains(b) || NAT64.contains(b)) {
        return Arrays.copyOfRange(b, 12, 16);
      }
      if (V4_COMPATIBLE.contains(b) && !isZeroOrOne(b)) {
        return Arrays.copyOfRange(b, 12, 16);
      }
      if (SIX_TO_FOUR.contains(b)) {
        return Arrays.copyOfRange(b, 2, 6);
      }
    }
    return null;
  }

  private static boolean isZeroOrOne(byte[] b) {
    for (int i = 0; i < 15; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[15] == 0 || b[15] == 1;
  }

  /** Scheme and host (and a non-default port): safe to show; path and query may hold secrets. */
  public static String describe(URI uri) {
    String scheme = uri.getScheme() == null ? "?" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "?" : uri.getHost();
    return scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private record Named(Cidr range, String name) {
    Named(String cidr, String name) {
      this(Cidr.parse(cidr), name);
    }
  }
}
