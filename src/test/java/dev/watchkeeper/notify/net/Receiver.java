package dev.watchkeeper.notify.net;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A real HTTP server on 127.0.0.1 and a random port that records what it receives. */
public final class Receiver implements AutoCloseable {

  /** One received request; header names lower case. */
  public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer: status and headers. */
  public record Answer(int status, Map<String, String> headers) {
    public static Answer of(int status) {
      return new Answer(status, Map.of());
    }
  }

  private final HttpServer server;
  public final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Answer> answer = r -> Answer.of(200);

  public Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
      String path = ex.getRequestURI().getRawPath()
          + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      Request req = new Request(ex.getRequestMethod(), path, headers, body);
      requests.add(req);
      Answer a = answer.apply(req);
      a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
      if (a.status() == 204) {
        ex.sendResponseHeaders(204, -1);
      } else {
        ex.sendResponseHeaders(a.status(), out.length);
        ex.getResponseBody().write(out);
      }
      ex.close();
    });
    server.start();
  }

  /** A client that may reach this receiver (127.0.0.1 allow-listed), with short timeouts. */
  public static GuardedHttp localHttp() {
    return new GuardedHttp(new SsrfGuard(List.of("127.0.0.1/32")), java.time.Clock.systemUTC(),
        java.time.Duration.ofSeconds(2), java.time.Duration.ofMillis(500),
        (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
  }

  public void answer(Function<Request, Answer> answer) {
    this.answer = answer;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public Request only() {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests.size());
    }
    return requests.get(0);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
