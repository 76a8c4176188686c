package dev.watchkeeper.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A small closed-loop HTTP/1.1 load generator: {@code connections} keep-alive connections, each
 * with exactly one request in flight (send, wait for the whole response, send the next). The
 * connections are spread over {@code loops} NIO selector threads, so the client costs little CPU
 * on a machine it shares with the server.
 *
 * <p>Requests are precomputed bytes (request line, headers with Content-Length, body), used in
 * turn. Responses are parsed just enough: status line, headers, and a Content-Length or chunked
 * body. Only responses that complete inside the measurement window count; requests are issued
 * until the window ends (or {@code maxRequests} have been issued), then in-flight ones are drained
 * for at most 10 s.
 */
final class LoadGenerator {

  /** What one run measured (only responses completed inside the measurement window). */
  record Result(long okRequests, long errorRequests, long ioErrors, double seconds,
      Histogram latencyMicros, Map<Integer, Long> statuses) {}

  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(120);

  private final InetSocketAddress address;
  private final byte[][] requests;
  private final long maxRequests;
  private final AtomicLong issued = new AtomicLong();
  private final long startNanos;
  private final long measureStartNanos;
  private final long measureEndNanos;
  private final List<Thread> threads = new ArrayList<>();
  private final List<LoopStats> stats = new ArrayList<>();

  /** Starts the load at once; call {@link #await()} for the result. */
  LoadGenerator(InetSocketAddress address, byte[][] requests, int connections, int loops,
      double warmupSeconds, double measureSeconds, long maxRequests) {
    this.address = address;
    this.requests = requests;
    this.maxRequests = maxRequests;
    this.startNanos = System.nanoTime();
    this.measureStartNanos = startNanos + (long) (warmupSeconds * 1e9);
    this.measureEndNanos = measureStartNanos + (long) (measureSeconds * 1e9);
    int loopCount = Math.max(1, Math.min(loops, connections));
    for (int l = 0; l < loopCount; l++) {
      int conns = connections / loopCount + (l < connections % loopCount ? 1 : 0);
      LoopStats s = new LoopStats();
      stats.add(s);
      int loopIndex = l;
      Thread t = new Thread(() -> runLoop(loopIndex, loopCount, conns, s), "bench-loop-" + l);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  long measureStartNanos() {
    return measureStartNanos;
  }

  long measureEndNanos() {
    return measureEndNanos;
  }

  Result await() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
    Histogram all = new Histogram(MAX_LATENCY_MICROS, 3);
    long ok = 0;
    long err = 0;
    long io = 0;
    long lastCounted = measureStartNanos;
    Map<Integer, Long> statuses = new TreeMap<>();
    for (LoopStats s : stats) {
      if (s.failure != null) {
        throw new IllegalStateException("load loop failed: " + s.failure, s.failure);
      }
      all.add(s.latency);
      ok += s.ok;
      err += s.errors;
      io += s.ioErrors;
      lastCounted = Math.max(lastCounted, s.lastCountedNanos);
      s.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
    }
    // Normally the full window; shorter only when max-requests stopped the run early.
    long end = issued.get() > maxRequests ? Math.min(lastCounted, measureEndNanos) : measureEndNanos;
    double seconds = Math.max(1e-9, (end - measureStartNanos) / 1e9);
    return new Result(ok, err + io, io, seconds, all, statuses);
  }

  private static final class LoopStats {
    final Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);
    final Map<Integer, Long> statuses = new TreeMap<>();
    long ok;
    long errors;
    long ioErrors;
    long lastCountedNanos;
    int inFlight;
    Throwable failure;
  }

  private void runLoop(int loopIndex, int loopCount, int conns, LoopStats st) {
    try (Selector selector = Selector.open()) {
      List<Conn> all = new ArrayList<>();
      for (int i = 0; i < conns; i++) {
        Conn c = new Conn(selector, st, loopIndex + (long) i * loopCount, loopCount * (long) conns);
        all.add(c);
        c.connect();
        c.sendNext();
      }
      while (true) {
        long now = System.nanoTime();
        if (now >= measureEndNanos && (st.inFlight == 0 || now >= measureEndNanos + DRAIN_NANOS)) {
          break;
        }
        if (now < measureEndNanos && st.inFlight == 0 && issued.get() >= maxRequests) {
          break;
        }
        selector.select(50);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          try {
            if (!key.isValid()) {
              continue;
            }
            if (key.isWritable()) {
              c.onWritable();
            } else if (key.isReadable()) {
              c.onReadable();
            }
          } catch (IOException e) {
            c.failed();
          }
        }
      }
      for (Conn c : all) {
        c.close();
      }
    } catch (Throwable t) {
      st.failure = t;
    }
  }

  /** One keep-alive connection with at most one request in flight. */
  private final class Conn {
    private final Selector selector;
    private final LoopStats st;
    private long nextRequest;
    private final long stride;
    private SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer out;
    private byte[] in = new byte[16 * 1024];
    private int inLen;
    private int headerEnd = -1;
    private long sentAt;
    private boolean busy;

    Conn(Selector selector, LoopStats st, long firstRequest, long stride) {
      this.selector = selector;
      this.st = st;
      this.nextRequest = firstRequest;
      this.stride = Math.max(1, stride);
    }

    void connect() throws IOException {
      channel = SocketChannel.open();
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(address);
      channel.configureBlocking(false);
      key = channel.register(selector, 0, this);
      inLen = 0;
      headerEnd = -1;
      chunkPos = 0;
    }

    void sendNext() throws IOException {
      if (System.nanoTime() >= measureEndNanos || issued.incrementAndGet() > maxRequests) {
        key.interestOps(0);
        return;
      }
      byte[] req = requests[(int) (nextRequest % requests.length)];
      nextRequest += stride;
      out = ByteBuffer.wrap(req);
      busy = true;
      st.inFlight++;
      sentAt = System.nanoTime();
      channel.write(out);
      key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void onWritable() throws IOException {
      channel.write(out);
      if (!out.hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    }

    void onReadable() throws IOException {
      if (inLen == in.length) {
        in = Arrays.copyOf(in, in.length * 2);
      }
      int n = channel.read(ByteBuffer.wrap(in, inLen, in.length - inLen));
      if (n < 0) {
        throw new EOFException("server closed the connection");
      }
      inLen += n;
      int status = parseComplete();
      if (status == 0) {
        return;
      }
      long now = System.nanoTime();
      busy = false;
      st.inFlight--;
      if (now >= measureStartNanos && now < measureEndNanos) {
        st.latency.recordValue(Math.min(MAX_LATENCY_MICROS, (now - sentAt) / 1000));
        st.statuses.merge(status, 1L, Long::sum);
        st.lastCountedNanos = now;
        if (status >= 200 && status < 300) {
          st.ok++;
        } else {
          st.errors++;
        }
      }
      boolean close = closeRequested;
      inLen = 0;
      headerEnd = -1;
      chunkPos = 0;
      if (close) {
        reconnect();
      }
      sendNext();
    }

    private boolean closeRequested;
    /** Start of the first chunk not yet complete (chunked responses), 0 = none yet. */
    private int chunkPos;

    /**
     * Returns the status code once the whole response is in {@code in}, else 0. Assumes one
     * response at a time (no pipelining), so nothing follows it.
     */
    private int parseComplete() {
      if (headerEnd < 0) {
        headerEnd = indexOf(in, 0, inLen, CRLFCRLF);
        if (headerEnd < 0) {
          return 0;
        }
      }
      int bodyStart = headerEnd + 4;
      String head = new String(in, 0, headerEnd, StandardCharsets.ISO_8859_1)
          .toLowerCase(Locale.ROOT);
      int status = Integer.parseInt(head.substring(9, 12));
      closeRequested = head.contains("\nconnection: close");
      int cl = head.indexOf("\ncontent-length:");
      if (cl >= 0) {
        int eol = head.indexOf('\r', cl + 1);
        long len = Long.parseLong(head.substring(cl + 16, eol < 0 ? head.length() : eol).trim());
        return inLen >= bodyStart + len ? status : 0;
      }
      if (head.contains("\ntransfer-encoding: chunked")) {
        // Resume where the previous read stopped: a large response (Alertmanager's full alert
        // list) comes in thousands of chunks over many reads.
        int pos = chunkPos > 0 ? chunkPos : bodyStart;
        while (true) {
          int eol = indexOf(in, pos, inLen, CRLF);
          if (eol < 0) {
            chunkPos = pos;
            return 0;
          }
          String sizeText = new String(in, pos, eol - pos, StandardCharsets.ISO_8859_1);
          int semi = sizeText.indexOf(';');
          long size = Long.parseLong((semi >= 0 ? sizeText.substring(0, semi) : sizeText).trim(), 16);
          if (size == 0) {
            // No trailers expected: the last chunk is "0\r\n\r\n".
            return inLen >= eol + 4 ? status : 0;
          }
          int next = (int) (eol + 2 + size + 2);
          if (next > inLen) {
            chunkPos = pos;
            return 0;
          }
          pos = next;
        }
      }
      if (status == 204 || status == 304 || status / 100 == 1) {
        return status;
      }
      // No length: the body runs to the end of the connection. Not expected from either server.
      closeRequested = true;
      return status;
    }

    /** A broken connection: its request (if any) is an error; open a new one and go on. */
    void failed() {
      if (busy) {
        busy = false;
        st.inFlight--;
        long now = System.nanoTime();
        if (now >= measureStartNanos && now < measureEndNanos) {
          st.ioErrors++;
          st.statuses.merge(-1, 1L, Long::sum);
        }
      }
      try {
        reconnect();
        sendNext();
      } catch (IOException e) {
        // Server gone: leave this connection closed; the run ends on its own time limit.
        close();
      }
    }

    private void reconnect() throws IOException {
      close();
      connect();
    }

    void close() {
      try {
        if (key != null) {
          key.cancel();
        }
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
  private static final byte[] CRLF = {'\r', '\n'};

  private static int indexOf(byte[] a, int from, int to, byte[] pattern) {
    outer:
    for (int i = from; i <= to - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (a[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
