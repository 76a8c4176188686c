package dev.watchkeeper.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Client side of the crash tests: threads that send events with unique ids to {@code POST
 * /api/v1/events} (single events and arrays of up to 20) until stopped, and remember, per id,
 * whether the server acknowledged it (202), answered something else, or gave no answer at all.
 * Accumulates over several phases (one phase per server process).
 */
final class IngestLoad implements AutoCloseable {
  static final String INTEGRATION_KEY = "crash-integration-key";
  static final String ADMIN_TOKEN = "crash-admin-token";
  private static final int MAX_BATCH = 20;
  private static final int MAX_ANOMALIES = 50;

  private final ObjectMapper mapper = new ObjectMapper();
  private final ExecutorService httpExecutor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "crash-http");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .executor(httpExecutor)
      .build();

  /** Ids whose request was answered 202 with exactly these ids. */
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  /**
   * Ids whose request was sent (a connection was made) but got no HTTP answer: connection reset or
   * closed, timeout. They may or may not be stored.
   */
  final Set<String> unknown = ConcurrentHashMap.newKeySet();
  /** Ids whose request never reached the server (connection refused): they cannot be stored. */
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  /** Ids whose request got an HTTP answer other than 202, by status. */
  final Map<Integer, Set<String>> rejected = new ConcurrentHashMap<>();
  /** Every id ever sent. */
  final Set<String> attempted = ConcurrentHashMap.newKeySet();
  /** Things that should not happen (odd 202 bodies, unexpected statuses), for the report. */
  final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());

  private final AtomicInteger inFlight = new AtomicInteger();

  /** Requests currently sent and not yet answered or failed, over all threads. */
  int inFlight() {
    return inFlight.get();
  }

  /** Starts {@code threads} senders against {@code baseUrl}; ids start with {@code idPrefix}. */
  Phase start(String baseUrl, String idPrefix, int threads) {
    return new Phase(URI.create(baseUrl + "/api/v1/events"), idPrefix, threads);
  }

  /** Status counts of non-202 answers, for the summary. */
  SortedMap<Integer, Integer> rejectedCounts() {
    SortedMap<Integer, Integer> out = new TreeMap<>();
    rejected.forEach((status, ids) -> out.put(status, ids.size()));
    return out;
  }

  /** One run of the senders against one server process. */
  final class Phase {
    private final URI uri;
    private final String idPrefix;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder acked = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private Phase(URI uri, String idPrefix, int threadCount) {
      this.uri = uri;
      this.idPrefix = idPrefix;
      for (int i = 0; i < threadCount; i++) {
        int n = i;
        Thread t = new Thread(() -> run(n), "crash-client-" + idPrefix + "-" + i);
        t.setDaemon(true);
        threads.add(t);
      }
      threads.forEach(Thread::start);
    }

    /** Events acknowledged in this phase. */
    long acked() {
      return acked.sum();
    }

    long requests() {
      return requests.sum();
    }

    /** Requests of this phase that got no HTTP answer. */
    long failures() {
      return failures.sum();
    }

    /** Tells the senders to stop and waits for them (each finishes or fails its request). */
    void stop(Duration timeout) {
      stop.countDown();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Thread t : threads) {
        try {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
      if (!stuck.isEmpty()) {
        threads.forEach(Thread::interrupt);
        throw new AssertionError("client threads still running " + timeout + " after stop: "
            + stuck);
      }
    }

    private void run(int thread) {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      long seq = 0;
      while (stop.getCount() > 0) {
        boolean single = rnd.nextInt(3) == 0;
        int n = single ? 1 : 1 + rnd.nextInt(MAX_BATCH);
        List<String> ids = new ArrayList<>(n);
        ArrayNode array = mapper.createArrayNode();
        for (int i = 0; i < n; i++) {
          String id = idPrefix + "-t" + thread + "-" + seq++;
          ids.add(id);
          ObjectNode e = array.addObject();
          e.put("id", id);
          e.put("source", "crash");
          e.put("type", "t");
          e.put("summary", "crash test event " + id);
        }
        String body = single ? array.get(0).toString() : array.toString();
        HttpRequest req = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + INTEGRATION_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        attempted.addAll(ids);
        requests.increment();
        HttpResponse<String> resp;
        inFlight.incrementAndGet();
        try {
          resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
          // Refused: the server never saw the request. Anything else (reset, closed, timeout):
          // it may have been stored.
          boolean neverSent = e instanceof ConnectException
              || e instanceof HttpConnectTimeoutException;
          (neverSent ? refused : unknown).addAll(ids);
          failures.increment();
          // The server is gone or going; back off a little (or until told to stop) instead of
          // spinning on "connection refused".
          try {
            stop.await(5, TimeUnit.MILLISECONDS);
          } catch (InterruptedException ie) {
            return;
          }
          continue;
        } catch (InterruptedException e) {
          unknown.addAll(ids);
          return;
        } finally {
          inFlight.decrementAndGet();
        }
        if (resp.statusCode() == 202) {
          List<String> answered = eventIds(resp.body());
          if (!ids.equals(answered)) {
            anomaly("202 for " + ids + " names other event_ids: " + resp.body());
          }
          acknowledged.addAll(ids);
          acked.add(n);
        } else {
          rejected.computeIfAbsent(resp.statusCode(), s -> ConcurrentHashMap.newKeySet())
              .addAll(ids);
          anomaly("HTTP " + resp.statusCode() + ": " + resp.body());
        }
      }
    }
  }

  private List<String> eventIds(String body) {
    try {
      JsonNode root = mapper.readTree(body);
      if (!"accepted".equals(root.path("status").asText())) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      root.path("event_ids").forEach(n -> out.add(n.asText()));
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  private void anomaly(String what) {
    synchronized (anomalies) {
      if (anomalies.size() < MAX_ANOMALIES) {
        anomalies.add(what);
      }
    }
  }

  /**
   * Every stored event id, in the order {@code GET /api/v1/events} returns them (newest first),
   * following {@code next_cursor} to the end. Duplicates are kept, so callers can count them.
   */
  List<String> readAllIds(String baseUrl) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 100_000; page++) {
      String url = baseUrl + "/api/v1/events?limit=1000"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + ADMIN_TOKEN)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        throw new AssertionError("GET " + url + " answered " + resp.statusCode() + ": "
            + resp.body());
      }
      JsonNode root = mapper.readTree(resp.body());
      JsonNode events = root.get("events");
      if (events == null || !events.isArray()) {
        throw new AssertionError("GET " + url + " has no events array: " + resp.body());
      }
      events.forEach(e -> ids.add(e.path("id").asText()));
      JsonNode next = root.get("next_cursor");
      if (next == null || next.isNull()) {
        return ids;
      }
      cursor = next.asText();
    }
    throw new AssertionError("GET /api/v1/events never ended (100000 pages)");
  }

  @Override
  public void close() {
    httpExecutor.shutdownNow();
  }
}
