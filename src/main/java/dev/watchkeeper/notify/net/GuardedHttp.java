package dev.watchkeeper.notify.net;

import java.io.BufferedInputStream;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal HTTP/1.1 client for notifications that connects only to addresses {@link SsrfGuard}
 * has just checked.
 *
 * <p>Why hand-rolled: {@code java.net.http.HttpClient} resolves names itself and offers no hook
 * between resolution and connection, so a guard in front of it is open to DNS rebinding; OkHttp
 * or Apache HttpClient would allow a resolver hook but add a dependency (and OkHttp skips its
 * {@code Dns} for IP literals). Notifications need little: one POST with a small body, the status
 * and a few headers. So: resolve and check once, open the socket to the checked address, keep the
 * host name for {@code Host}, SNI and certificate verification, send {@code Connection: close},
 * read the status line and headers, and stop. Redirects are followed by hand (at most
 * {@link #MAX_REDIRECTS}), each hop checked again. No proxy is ever used.
 *
 * <p>Threading: immutable; each call uses its own socket.
 */
public final class GuardedHttp {

  public static final int MAX_REDIRECTS = 3;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final SsrfGuard guard;
  private final Clock clock;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final SSLSocketFactory tls;

  public GuardedHttp(SsrfGuard guard, Clock clock) {
    this(guard, clock, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
        (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  public GuardedHttp(SsrfGuard guard, Clock clock, Duration connectTimeout, Duration readTimeout,
      SSLSocketFactory tls) {
    this.guard = Objects.requireNonNull(guard);
    this.clock = Objects.requireNonNull(clock);
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.tls = tls;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * POSTs {@code body} to {@code url}. 307/308 redirects repeat the POST; 301/302/303 switch to a
   * GET without body, as browsers do. {@code Authorization} is dropped when a redirect leaves the
   * original host.
   */
  public HttpOutcome post(String url, Map<String, String> headers, byte[] body) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      return new HttpOutcome.Refused("malformed URL");
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!validHeader(h.getKey(), h.getValue())) {
        return new HttpOutcome.Refused("invalid header \"" + safeName(h.getKey()) + "\"");
      }
    }
    Instant start = clock.instant();
    String method = "POST";
    Map<String, String> sendHeaders = new LinkedHashMap<>(headers);
    String originalHost = uri.getHost();
    for (int hop = 0; ; hop++) {
      HttpOutcome outcome = once(method, uri, sendHeaders, method.equals("POST") ? body : null);
      if (!(outcome instanceof HttpOutcome.Response r)) {
        return outcome;
      }
      int s = r.status();
      String location = r.header("location");
      boolean redirect = (s == 301 || s == 302 || s == 303 || s == 307 || s == 308);
      if (!redirect || location == null) {
        return new HttpOutcome.Response(
            s, r.headers(), Duration.between(start, clock.instant()));
      }
      if (hop == MAX_REDIRECTS) {
        return new HttpOutcome.Refused(
            "more than " + MAX_REDIRECTS + " redirects from " + SsrfGuard.describe(uri));
      }
      try {
        uri = uri.resolve(new URI(location.strip()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return new HttpOutcome.Refused("malformed redirect from " + SsrfGuard.describe(uri));
      }
      if (s != 307 && s != 308) {
        method = "GET";
        sendHeaders.keySet().removeIf(k -> k.equalsIgnoreCase("content-type"));
      }
      if (!Objects.equals(originalHost, uri.getHost())) {
        sendHeaders.keySet().removeIf(k -> k.equalsIgnoreCase("authorization"));
      }
    }
  }

  private HttpOutcome once(String method, URI uri, Map<String, String> headers, byte[] body) {
    SsrfGuard.Verdict verdict = guard.check(uri);
    if (verdict instanceof SsrfGuard.Verdict.Refused r) {
      return new HttpOutcome.Refused(r.reason());
    }
    if (verdict instanceof SsrfGuard.Verdict.Unresolved u) {
      return new HttpOutcome.Unreachable(u.reason());
    }
    List<InetAddress> addresses = ((SsrfGuard.Verdict.Allowed) verdict).addresses();
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    String host = uri.getHost();
    String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String where = SsrfGuard.describe(uri);
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket plain = new Socket(java.net.Proxy.NO_PROXY);
      try {
        plain.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
      } catch (IOException e) {
        close(plain);
        last = e;
        continue; // try the next checked address
      }
      try {
        // before the TLS handshake, which would otherwise wait for ever on a silent server
        plain.setSoTimeout((int) readTimeout.toMillis());
      } catch (IOException e) {
        close(plain);
        return new HttpOutcome.Unreachable("I/O error with " + where);
      }
      long deadline = System.nanoTime() + 2 * readTimeout.toNanos();
      try (Socket socket = https ? wrapTls(plain, bareHost, port) : plain) {
        write(socket.getOutputStream(), method, uri, host, port, https, headers, body);
        return readHead(new BufferedInputStream(socket.getInputStream()), deadline);
      } catch (SocketTimeoutException e) {
        return new HttpOutcome.Unreachable("timed out waiting for " + where);
      } catch (IOException e) {
        return new HttpOutcome.Unreachable(
            "I/O error with " + where + ": " + e.getClass().getSimpleName());
      } finally {
        close(plain);
      }
    }
    String what = last instanceof SocketTimeoutException ? "connect timed out" : "connection failed";
    return new HttpOutcome.Unreachable(what + " to " + where
        + (last == null ? "" : " (" + last.getClass().getSimpleName() + ")"));
  }

  private Socket wrapTls(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS"); // verify the certificate names the host
    if (!host.contains(":") && !host.matches("[0-9.]+")) {
      p.setServerNames(List.of(new SNIHostName(host)));
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  private static void write(OutputStream out, String method, URI uri, String host, int port,
      boolean https, Map<String, String> headers, byte[] body) throws IOException {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    boolean defaultPort = port == (https ? 443 : 80);
    head.append("Host: ").append(host).append(defaultPort ? "" : ":" + port).append("\r\n");
    boolean agent = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey();
      if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
          || name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("transfer-encoding")) {
        continue; // ours to set
      }
      agent |= name.equalsIgnoreCase("user-agent");
      head.append(name).append(": ").append(h.getValue()).append("\r\n");
    }
    if (!agent) {
      head.append("User-Agent: Watchkeeper\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  /**
   * Reads the status line and headers; the body is not needed and left unread. The socket
   * timeout bounds each read; {@code deadline} (a {@code System.nanoTime} value: a monotonic
   * timeout, not domain time) bounds a server that drips bytes slowly.
   */
  private static HttpOutcome readHead(InputStream in, long deadline) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int total = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the response head");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new SocketTimeoutException("response too slow");
      }
      if (++total > MAX_HEAD_BYTES) {
        throw new IOException("response head too large");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        line.reset();
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
          if (lines.isEmpty()) {
            continue;
          }
          if (lines.get(0).matches("HTTP/1\\.\\d 1\\d\\d.*")) {
            lines.clear(); // 100 Continue and friends: the real answer follows
            continue;
          }
          break;
        }
        lines.add(text);
      } else {
        line.write(b);
      }
    }
    String[] status = lines.get(0).split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].matches("\\d{3}")) {
      throw new IOException("not an HTTP response");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String h : lines.subList(1, lines.size())) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
      }
    }
    return new HttpOutcome.Response(Integer.parseInt(status[1]), headers, Duration.ZERO);
  }

  static boolean validHeader(String name, String value) {
    if (name == null || value == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  private static String safeName(String name) {
    return name == null ? "null" : name.replaceAll("[^!#$%&'*+.^_`|~0-9A-Za-z-]", "?");
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing after use; nothing to do
    }
  }
}
