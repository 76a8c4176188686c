package dev.watchkeeper.check.probe;

import dev.watchkeeper.notify.net.SsrfGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Runs one probe attempt: HTTP(S), TCP connect, TLS certificate expiry, DNS resolution. Every
 * connection goes to an address the {@link SsrfGuard} (with {@code probe_allow_private_networks})
 * has just checked, never resolved again (no DNS rebinding), and no proxy is used. HTTP is spoken
 * as HTTP/1.0 with {@code Connection: close}, so the body is simply read to the end (at most
 * {@link Probe#MAX_BODY_BYTES}); redirects are followed by hand, at most {@link
 * Probe#MAX_REDIRECTS}, each hop checked again.
 *
 * <p>Threading: immutable; each call uses its own socket.
 */
public final class Prober {
  /** The outcome of one attempt; {@code message} says what was seen, for the ping body. */
  public record Result(boolean ok, String message, Duration latency) {}

  private final SsrfGuard guard;
  private final SSLContext tls;
  private final Clock clock;

  public Prober(SsrfGuard guard, SSLContext tls, Clock clock) {
    this.guard = guard;
    this.tls = tls;
    this.clock = clock;
  }

  /** With the JVM's default trust store. */
  public static Prober withDefaultTrust(SsrfGuard guard, Clock clock) {
    try {
      return new Prober(guard, SSLContext.getDefault(), clock);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /** One run: the first attempt and up to {@code retries} more until one succeeds. */
  public Result run(Probe p) {
    Result r = null;
    for (int i = 0; i <= p.retries(); i++) {
      r = attempt(p);
      if (r.ok()) {
        return r;
      }
    }
    return r;
  }

  Result attempt(Probe p) {
    long t0 = System.nanoTime();
    try {
      Result r = switch (p.type()) {
        case HTTP -> http(p, t0);
        case TCP -> tcp(p, t0, false);
        case TLS -> tcp(p, t0, true);
        case DNS -> dns(p, t0);
      };
      if (r.ok() && p.maxLatency() != null && r.latency().compareTo(p.maxLatency()) > 0) {
        return new Result(false, r.message() + "; slower than max_latency "
            + p.maxLatency().toMillis() + " ms", r.latency());
      }
      return r;
    } catch (SocketTimeoutException e) {
      return fail("timed out after " + p.timeout().toMillis() + " ms", t0);
    } catch (IOException e) {
      return fail(e.getClass().getSimpleName() + (e.getMessage() == null ? ""
          : ": " + e.getMessage()), t0);
    }
  }

  private static Result fail(String message, long t0) {
    return new Result(false, message, Duration.ofNanos(System.nanoTime() - t0));
  }

  private static Result ok(String message, long t0) {
    return new Result(true, message, Duration.ofNanos(System.nanoTime() - t0));
  }

  private Result http(Probe p, long t0) throws IOException {
    URI uri;
    try {
      uri = new URI(p.target());
    } catch (URISyntaxException e) {
      return fail("malformed URL", t0);
    }
    for (int hop = 0; ; hop++) {
      Object v = connect(uri, p);
      if (v instanceof String refused) {
        return fail(refused, t0);
      }
      boolean https = uri.getScheme().equalsIgnoreCase("https");
      try (Socket s = (Socket) v) {
        String expiry = null;
        if (https) {
          expiry = expiryProblem((SSLSocket) s, p);
        }
        write(s.getOutputStream(), p, uri);
        Response r = read(s.getInputStream(), t0, p.timeout());
        String location = r.header("location");
        if (r.status() >= 300 && r.status() < 400 && location != null
            && (p.expectedStatus().isEmpty() || !p.expectedStatus().contains(r.status()))) {
          if (hop == Probe.MAX_REDIRECTS) {
            return fail("more than " + Probe.MAX_REDIRECTS + " redirects", t0);
          }
          try {
            uri = uri.resolve(new URI(location.strip()));
          } catch (URISyntaxException | IllegalArgumentException e) {
            return fail("malformed redirect", t0);
          }
          continue;
        }
        boolean statusOk = p.expectedStatus().isEmpty()
            ? r.status() >= 200 && r.status() < 400 : p.expectedStatus().contains(r.status());
        if (!statusOk) {
          return fail("HTTP " + r.status() + (p.expectedStatus().isEmpty() ? ""
              : ", expected " + p.expectedStatus()), t0);
        }
        if (p.bodyContains() != null && !r.body().contains(p.bodyContains())) {
          return fail("HTTP " + r.status() + ", body does not contain \"" + p.bodyContains()
              + "\"", t0);
        }
        if (p.jsonPath() != null) {
          String why = jsonCondition(p, r.body());
          if (why != null) {
            return fail("HTTP " + r.status() + ", " + why, t0);
          }
        }
        if (expiry != null) {
          return fail("HTTP " + r.status() + "; " + expiry, t0);
        }
        return ok("HTTP " + r.status(), t0);
      }
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Why the body fails the probe's JSON condition, or null when it meets it. */
  static String jsonCondition(Probe p, String body) {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (java.io.IOException e) {
      return "body is not JSON";
    }
    com.fasterxml.jackson.databind.JsonNode v = root == null ? null : root.at(p.jsonPath());
    if (v == null || v.isMissingNode()) {
      return "no " + p.jsonPath() + " in the JSON body";
    }
    String text = v.isValueNode() ? v.asText() : v.toString();
    if (p.jsonEquals() != null) {
      return p.jsonEquals().equals(text) ? null : p.jsonPath() + " is \"" + cut(text)
          + "\", expected \"" + p.jsonEquals() + "\"";
    }
    return v.isNull() || (v.isBoolean() && !v.booleanValue())
        ? p.jsonPath() + " is " + text : null;
  }

  private static String cut(String s) {
    return s.length() <= 80 ? s : s.substring(0, 79) + "…";
  }

  private Result tcp(Probe p, long t0, boolean withTls) throws IOException {
    int colon = p.target().lastIndexOf(':');
    String host = p.target().substring(0, colon);
    int port = Integer.parseInt(p.target().substring(colon + 1));
    URI uri = URI.create((withTls ? "https://" : "http://")
        + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port);
    Object v = connect(uri, p);
    if (v instanceof String refused) {
      return fail(refused, t0);
    }
    try (Socket s = (Socket) v) {
      if (!withTls) {
        return ok("connected to " + host + ":" + port, t0);
      }
      String problem = expiryProblem((SSLSocket) s, p);
      if (problem != null) {
        return fail(problem, t0);
      }
      X509Certificate cert = leaf((SSLSocket) s);
      return ok("certificate valid until " + cert.getNotAfter().toInstant(), t0);
    }
  }

  private Result dns(Probe p, long t0) {
    CompletableFuture<InetAddress[]> f =
        CompletableFuture.supplyAsync(() -> {
          try {
            return InetAddress.getAllByName(p.target());
          } catch (java.net.UnknownHostException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
    try {
      InetAddress[] all = f.get(p.timeout().toMillis(), TimeUnit.MILLISECONDS);
      StringBuilder sb = new StringBuilder(p.target()).append(" resolves to");
      for (InetAddress a : all) {
        sb.append(' ').append(a.getHostAddress());
      }
      return ok(sb.toString(), t0);
    } catch (TimeoutException e) {
      return fail("resolving " + p.target() + " timed out", t0);
    } catch (ExecutionException e) {
      return fail(p.target() + " does not resolve", t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted", t0);
    }
  }

  /** A connected (and for https, handshaken) socket, or the reason it may not be opened. */
  private Object connect(URI uri, Probe p) throws IOException {
    SsrfGuard.Verdict verdict = guard.check(uri);
    if (verdict instanceof SsrfGuard.Verdict.Refused r) {
      return r.reason() + " (allow internal targets with checks.probe_allow_private_networks)";
    }
    if (verdict instanceof SsrfGuard.Verdict.Unresolved u) {
      return u.reason();
    }
    List<InetAddress> addresses = ((SsrfGuard.Verdict.Allowed) verdict).addresses();
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    String host = uri.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket plain = new Socket(java.net.Proxy.NO_PROXY);
      try {
        plain.connect(new InetSocketAddress(a, port), (int) p.timeout().toMillis());
        plain.setSoTimeout((int) p.timeout().toMillis());
        if (!https) {
          return plain;
        }
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, bare, port, true);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
          params.setServerNames(List.of(new SNIHostName(bare)));
        }
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
      } catch (IOException e) {
        plain.close();
        last = e;
      }
    }
    throw last == null ? new IOException("no address") : last;
  }

  private String expiryProblem(SSLSocket s, Probe p) throws IOException {
    X509Certificate cert = leaf(s);
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant now = clock.instant();
    if (!notAfter.isAfter(now.plus(Duration.ofDays(p.warnDays())))) {
      long days = Duration.between(now, notAfter).toDays();
      return "certificate expires " + notAfter + " (in " + days + " days; warn_days "
          + p.warnDays() + ")";
    }
    return null;
  }

  private static X509Certificate leaf(SSLSocket s) throws IOException {
    Certificate[] chain = s.getSession().getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
      throw new IOException("no X.509 certificate");
    }
    return x;
  }

  private static void write(OutputStream out, Probe p, URI uri) throws IOException {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder head = new StringBuilder(p.method()).append(' ').append(path)
        .append(" HTTP/1.0\r\nHost: ").append(uri.getHost())
        .append(uri.getPort() >= 0 ? ":" + uri.getPort() : "").append("\r\n");
    boolean agent = false;
    for (Map.Entry<String, String> h : p.headers().entrySet()) {
      String n = h.getKey().toLowerCase(Locale.ROOT);
      if (n.equals("host") || n.equals("connection") || n.equals("content-length")) {
        continue;
      }
      agent |= n.equals("user-agent");
      head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (!agent) {
      head.append("User-Agent: Watchkeeper-Probe\r\n");
    }
    if (p.method().equals("POST") || p.method().equals("PUT")) {
      head.append("Content-Length: 0\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private static Response read(InputStream in, long t0, Duration timeout) throws IOException {
    long deadline = t0 + 2 * timeout.toNanos();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      all.write(buf, 0, Math.min(n, Probe.MAX_BODY_BYTES + 65536 - all.size()));
      if (all.size() >= Probe.MAX_BODY_BYTES + 65536) {
        break;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new SocketTimeoutException("response too slow");
      }
    }
    String text = all.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0 || !text.startsWith("HTTP/")) {
      throw new IOException("not an HTTP response");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (RuntimeException e) {
      throw new IOException("malformed status line");
    }
    Map<String, String> headers = new java.util.HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    byte[] raw = all.toByteArray();
    int bodyStart = end + 4;
    String body = new String(raw, bodyStart, raw.length - bodyStart, StandardCharsets.UTF_8);
    return new Response(code, headers, body);
  }
}
