package dev.watchkeeper.check.udp;

import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.Checks;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.PingWriter;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives UDP heartbeats ({@link Datagram}) on {@code checks.udp.port}, unicast and, with
 * {@code multicast_group}, multicast (the group is joined on the configured interface, or the
 * system's default). A good datagram becomes a ping of transport {@code udp}; a bad one (malformed,
 * unknown check, no secret, wrong signature, timestamp outside the window, or the very same
 * datagram seen before within the window) is counted in
 * {@code watchkeeper_checks_udp_dropped_total{reason}} and dropped without an answer. UDP has no
 * acknowledgement, so a datagram is not waited for: it is queued for the next ping commit.
 *
 * <p>The socket is opened at start with the settings then in force; secrets follow reloads.
 * Threading: one receiving thread.
 */
public final class UdpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpListener.class);

  private final LiveConfig config;
  private final Checks checks;
  private final PingWriter writer;
  private final Clock clock;
  private final Counter accepted;
  private final Map<Datagram.Drop, Counter> dropped = new EnumMap<>(Datagram.Drop.class);
  /** HMACs seen within the window, to drop replays: hmac -> when it may be forgotten. */
  private final ConcurrentHashMap<String, Instant> seen = new ConcurrentHashMap<>();
  private final TokenBuckets buckets;
  private DatagramSocket socket;
  private Thread thread;
  private volatile boolean running;

  public UdpListener(LiveConfig config, Checks checks, PingWriter writer, Clock clock,
      MeterRegistry meters) {
    this.config = config;
    this.checks = checks;
    this.writer = writer;
    this.clock = clock;
    this.buckets = new TokenBuckets(clock);
    this.accepted = Counter.builder("watchkeeper.checks.udp.accepted")
        .description("UDP heartbeats accepted").register(meters);
    for (Datagram.Drop d : Datagram.Drop.values()) {
      dropped.put(d, Counter.builder("watchkeeper.checks.udp.dropped")
          .description("UDP heartbeats dropped, by reason")
          .tag("reason", d.name().toLowerCase(java.util.Locale.ROOT)).register(meters));
    }
  }

  /** Opens the socket (if the listener is configured) and starts receiving. */
  public void start() {
    WatchkeeperConfig.Udp u = config.get().checks().udp();
    if (!u.enabled()) {
      return;
    }
    try {
      if (u.multicastGroup() != null) {
        MulticastSocket m = new MulticastSocket(null);
        m.setReuseAddress(true);
        m.bind(new InetSocketAddress(u.port()));
        NetworkInterface nif = u.networkInterface() == null ? null
            : NetworkInterface.getByName(u.networkInterface());
        m.joinGroup(new InetSocketAddress(InetAddress.getByName(u.multicastGroup()), 0), nif);
        socket = m;
      } else {
        socket = new DatagramSocket(new InetSocketAddress(u.host(), u.port()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for UDP heartbeats on port " + u.port(), e);
    }
    running = true;
    thread = new Thread(this::run, "wk-udp-heartbeats");
    thread.setDaemon(true);
    thread.start();
    LogEvent.UDP_LISTENING.info(log).addKeyValue("port", socket.getLocalPort())
        .addKeyValue("multicast_group", u.multicastGroup())
        .log("listening for UDP heartbeats");
  }

  /** The bound port, or -1 when off. */
  public int port() {
    return socket == null ? -1 : socket.getLocalPort();
  }

  private void run() {
    byte[] buf = new byte[Datagram.MAX_BYTES + 1];
    while (running) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException e) {
        if (running) {
          LogEvent.UDP_LISTENER_FAILED.warn(log).setCause(e).log("UDP receive failed");
        }
        continue;
      }
      try {
        handle(p.getData(), p.getLength(), p.getAddress());
      } catch (RuntimeException e) {
        LogEvent.UDP_LISTENER_FAILED.error(log).setCause(e).log("UDP heartbeat not handled");
      }
    }
  }

  /** Handles one datagram; returns why it was dropped, or empty when accepted. Visible for tests. */
  Optional<Datagram.Drop> handle(byte[] data, int length, InetAddress from) {
    Optional<Datagram.Drop> why = check(data, length, from);
    why.ifPresentOrElse(d -> {
      dropped.get(d).increment();
      LogEvent.UDP_DATAGRAM_DROPPED.debug(log).addKeyValue("reason", d.name())
          .addKeyValue("from", from.getHostAddress()).log("UDP heartbeat dropped");
    }, accepted::increment);
    return why;
  }

  private Optional<Datagram.Drop> check(byte[] data, int length, InetAddress from) {
    Optional<Datagram> parsed = Datagram.parse(data, length);
    if (parsed.isEmpty()) {
      return Optional.of(Datagram.Drop.MALFORMED);
    }
    Datagram d = parsed.get();
    WatchkeeperConfig.Checks cfg = config.get().checks();
    Optional<Check> check = d.checkKey().contains("/")
        ? checks.store().findBySlug(d.checkKey().substring(0, d.checkKey().indexOf('/')),
            d.checkKey().substring(d.checkKey().indexOf('/') + 1))
        : checks.store().find(d.checkKey());
    if (check.isEmpty()) {
      return Optional.of(Datagram.Drop.UNKNOWN_CHECK);
    }
    Check c = check.get();
    String secret = cfg.list().stream()
        .filter(cc -> cc.spec().service().equals(c.spec().service())
            && cc.spec().slug().equals(c.spec().slug()) && cc.udpSecret() != null)
        .map(WatchkeeperConfig.ConfiguredCheck::udpSecret).findFirst()
        .orElse(cfg.udp().secret());
    Instant now = clock.instant();
    Optional<Datagram.Drop> bad = d.verify(Datagram.rawStatus(data, length), secret, now,
        cfg.udp().window());
    if (bad.isPresent()) {
      return bad;
    }
    if (seen.putIfAbsent(d.hmacHex(), d.sentAt().plus(cfg.udp().window())) != null) {
      return Optional.of(Datagram.Drop.REPLAYED);
    }
    if (seen.size() > 100_000) {
      seen.values().removeIf(until -> until.isBefore(now));
    }
    // After the signature and replay checks: forged or replayed datagrams cannot use up a
    // check's budget.
    if (!buckets.take(c.id(), cfg.udp().datagramsPerSecond(), cfg.udp().burst())) {
      return Optional.of(Datagram.Drop.RATE_LIMITED);
    }
    writer.submit(new Ping(c.id(), now, d.kind(), d.exitCode(), "udp", null,
        from.getHostAddress(), null, null, d.message(), false, null));
    return Optional.empty();
  }

  @Override
  public void close() {
    running = false;
    if (socket != null) {
      socket.close();
    }
    if (thread != null) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
