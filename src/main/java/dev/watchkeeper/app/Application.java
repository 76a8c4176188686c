package dev.watchkeeper.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.alert.LabelRoutes;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.incident.Grouping;
import dev.watchkeeper.escalation.Escalator;
import dev.watchkeeper.notify.ActionLinks;
import dev.watchkeeper.notify.Outbox;
import dev.watchkeeper.notify.sms.ProviderChannel;
import dev.watchkeeper.notify.sms.TwilioAdapter;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.check.CheckDeadlines;
import dev.watchkeeper.check.CheckMetrics;
import dev.watchkeeper.check.Checks;
import dev.watchkeeper.check.FlipSender;
import dev.watchkeeper.check.PingFolder;
import dev.watchkeeper.check.PingWriter;
import dev.watchkeeper.check.probe.ProbeRunner;
import dev.watchkeeper.check.probe.Prober;
import dev.watchkeeper.check.udp.UdpListener;
import dev.watchkeeper.notify.Channel;
import dev.watchkeeper.notify.Deliveries;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.email.EmailChannel;
import dev.watchkeeper.notify.net.GuardedHttp;
import dev.watchkeeper.notify.net.SsrfGuard;
import dev.watchkeeper.notify.ntfy.NtfyChannel;
import dev.watchkeeper.notify.slack.SlackChannel;
import dev.watchkeeper.notify.teams.TeamsChannel;
import dev.watchkeeper.notify.webhook.WebhookChannel;
import dev.watchkeeper.people.ContactMethod;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.people.User;
import dev.watchkeeper.incident.IncidentTimers;
import dev.watchkeeper.incident.Lifecycle;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.event.EventProcessor;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.GroupCommitter;
import dev.watchkeeper.event.ProcessorLease;
import dev.watchkeeper.obs.LogEvent;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.Dialect;
import dev.watchkeeper.mute.Inhibitions;
import dev.watchkeeper.mute.Silences;
import dev.watchkeeper.store.JdbcAlertStore;
import dev.watchkeeper.rota.Rota;
import dev.watchkeeper.access.Passwords;
import dev.watchkeeper.store.JdbcAccountStore;
import dev.watchkeeper.store.JdbcAuditLog;
import dev.watchkeeper.store.JdbcSessionStore;
import dev.watchkeeper.store.JdbcTokenStore;
import dev.watchkeeper.store.JdbcCheckStore;
import dev.watchkeeper.store.JdbcOverrideStore;
import dev.watchkeeper.store.JdbcPageLog;
import dev.watchkeeper.store.JdbcServerSecrets;
import dev.watchkeeper.store.JdbcSilenceStore;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.store.JdbcNotificationStore;
import dev.watchkeeper.store.JdbcEventStore;
import dev.watchkeeper.store.PgProcessorLease;
import dev.watchkeeper.web.HttpServer;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring: the one place where infrastructure is constructed, started and stopped in order.
 * Shutdown order matters for "accepted means durable": stop HTTP (no new requests, in-flight ones
 * finish), then commit what is queued, then stop processing, then close the database.
 */
public final class Application implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Application.class);
  /** Delivery worker threads: sends wait on the network, not the CPU; two keep one slow
   * receiver from holding up every page. */
  static final int DELIVERY_THREADS = 2;

  private final LiveConfig config;
  private final PrometheusMeterRegistry meters;
  private final Database db;
  private final GroupCommitter committer;
  private final EventProcessor processor;
  private final IncidentTimers timers;
  private final Deliveries deliveries;
  private final HttpServer http;
  private final FlipSender flips;
  private final dev.watchkeeper.alert.AlertExpiry expiry;
  private final PingWriter pings;
  private final PingFolder folder;
  private final dev.watchkeeper.check.CheckStore checkStore;
  private final CheckDeadlines deadlines;
  private final UdpListener udp;
  private final ProbeRunner probes;
  private final JvmGcMetrics gcMetrics;

  private Application(LiveConfig config) {
    this.config = config;
    WatchkeeperConfig c = config.get();
    Clock clock = Clock.systemUTC();
    ObjectMapper mapper = Json.create();
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(meters);
    this.db = Database.open(c.storage(), meters);
    try {
      db.migrate();
      EventStore store = new JdbcEventStore(db, mapper);
      AlertStore alerts = new JdbcAlertStore(db, mapper);
      JdbcIncidentStore incidents = new JdbcIncidentStore(db, mapper);
      JdbcAuditLog audit = new JdbcAuditLog(db);
      // A team's silence mutes only the services its team owns (by the config in force).
      var ownership = new java.util.concurrent.atomic.AtomicReference<>(
          new dev.watchkeeper.access.Ownership(config.get()));
      config.onChange(next -> ownership.set(new dev.watchkeeper.access.Ownership(next)));
      Silences silences = new Silences(new JdbcSilenceStore(db, mapper), audit,
          clock, () -> config.get().silences().maxDuration(),
          service -> ownership.get().teamsOf(service));
      Rota rota = new Rota(rotaSetup(config), new JdbcOverrideStore(db), new JdbcPageLog(db),
          audit, clock);
      JdbcServerSecrets secrets = new JdbcServerSecrets(db, clock);
      // The configured key wins; otherwise the database's, generated once for every node.
      Supplier<String> icalSecret = () -> Optional.ofNullable(config.get().server().icalSecret())
          .orElseGet(() -> secrets.secret("ical"));
      // Inhibition rules follow config reloads: read from the config in force at each batch.
      Inhibitions inhibitions = new Inhibitions(() -> config.get().inhibitRules(), alerts::firing);
      // Grouping follows config reloads: read from the config in force at each alert.
      IncidentEngine incidentEngine = new IncidentEngine(incidents, clock,
          service -> config.get().service(service)
              .map(s -> new Grouping(s.grouping().by(), s.grouping().window(),
                  s.grouping().reopenWindow()))
              .orElse(Grouping.DEFAULT),
          silences::snapshot, inhibitions::snapshot,
          service -> config.get().service(service).map(WatchkeeperConfig.Service::lifecycle)
              .orElse(Lifecycle.DEFAULT),
          escalator(config, rota));
      this.timers = new IncidentTimers(incidentEngine, incidents, clock, meters);
      JdbcNotificationStore notifications = new JdbcNotificationStore(db);
      ActionLinks actionLinks = new ActionLinks(() -> secrets.secret("actions"),
          this::publicUrl, () -> config.get().notifications().linkTtl(),
          clock);
      // SMS and voice have no provider adapter yet: such a notification becomes a dead letter
      // "no channel for type X yet", visible and retriable through /api/v1/notifications.
      this.deliveries = new Deliveries(notifications, Map.of(
              ContactMethod.Type.EMAIL, email(config, clock),
              ContactMethod.Type.WEBHOOK, http(config, ContactMethod.Type.WEBHOOK, clock,
                  (n, h) -> n.webhookSigningSecret() == null
                      ? failing(ContactMethod.Type.WEBHOOK, "webhook notifications need"
                          + " notifications.webhook.signing_secret")
                      : new WebhookChannel(h, n.webhookSigningSecret(), n.webhookHeaders())),
              ContactMethod.Type.SLACK, http(config, ContactMethod.Type.SLACK, clock,
                  (n, h) -> new SlackChannel(h, n.templates())),
              ContactMethod.Type.TEAMS, http(config, ContactMethod.Type.TEAMS, clock,
                  (n, h) -> new TeamsChannel(h, n.templates())),
              ContactMethod.Type.SMS, http(config, ContactMethod.Type.SMS, clock,
                  (n, h) -> n.sms() == null
                      ? failing(ContactMethod.Type.SMS, "SMS notifications need"
                          + " notifications.sms (a provider)")
                      : new ProviderChannel(new TwilioAdapter(h, n.sms().baseUrl(),
                          n.sms().accountSid(), n.sms().authToken(), n.sms().from()),
                          n.templates())),
              ContactMethod.Type.NTFY, http(config, ContactMethod.Type.NTFY, clock,
                  (n, h) -> new NtfyChannel(h, n.ntfyToken(), n.templates()))),
          user -> config.get().oncall().user(user), incidents::find, clock,
          () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(),
          Deliveries.DEFAULT_MAX_ATTEMPTS, actionLinks)
          .lease(() -> config.get().notifications().deliveryLease());
      incidents.onNotificationsQueued(deliveries::wake);
      Supplier<LabelRoutes> labelRoutes = labelRoutes(config);
      this.processor = new EventProcessor(store, List.of(new AlertHandler(alerts, incidentEngine,
          labelRoutes, meters, resolved -> silences.expireWhenResolved(resolved, alerts::firing))),
          meters, db.dialect() == Dialect.POSTGRES ? new PgProcessorLease(db.dataSource())
              : ProcessorLease.ALWAYS);
      int writers = db.dialect() == Dialect.SQLITE ? 1 : c.storage().writers();
      this.committer = new GroupCommitter(store, writers, c.ingest().commitMaxEvents(), meters,
          processor::wake);
      // Health checks: flips become events through the same committer as any ingest.
      JdbcCheckStore checkStore = new JdbcCheckStore(db, mapper);
      this.flips = new FlipSender(checkStore, committer, clock);
      // Alertmanager's endsAt: alerts not reported again by then resolve, through the event log.
      this.expiry = new dev.watchkeeper.alert.AlertExpiry(alerts, committer::submit, clock);
      Checks checks = new Checks(checkStore, clock, flips::wake,
          () -> config.get().checks().keepPings());
      // Pings answered OK before a crash and not yet folded into the checks: folded first.
      int logged = checks.recover();
      if (logged > 0) {
        LogEvent.CHECK_PING_LOG_RECOVERED.info(log).addKeyValue("pings", logged)
            .log("pings of the ping log folded into the checks at start");
      }
      syncChecks(checks, c);
      config.onChange(n -> syncChecks(checks, n));
      this.pings = new PingWriter(checks, meters);
      this.folder = new PingFolder(checks, () -> config.get().checks().foldInterval());
      this.checkStore = checks.store();
      this.deadlines = new CheckDeadlines(checks, clock);
      new CheckMetrics(checks.store(), clock, meters);
      this.udp = new UdpListener(config, checks, pings, clock, meters);
      this.probes = new ProbeRunner(checks.store(), pings, prober(config, clock), clock);
      config.onChange(n -> probes.reschedule(probes(n, checks.store())));
      checks.onProbesChanged(() -> probes.reschedule(probes(config.get(), checks.store())));
      dev.watchkeeper.web.AccessStores access = new dev.watchkeeper.web.AccessStores(
          new JdbcAccountStore(db), new JdbcSessionStore(db), new JdbcTokenStore(db),
          new Passwords(Passwords.DEFAULT_COST,
              () -> config.get().security().passwordMinLength()),
          () -> secrets.secret("csrf"), audit);
      this.http = new HttpServer(new HttpServer.Deps(config, mapper, committer, store, clock,
          meters, meters::scrape, db::ready, Version.get(), alerts,
          silences, inhibitions,
          incidents, incidentEngine, labelRoutes, rota, icalSecret, notifications, actionLinks,
          access, checks, pings));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * The config file's checks into the database. A failure is logged and the checks stay as they
   * were (the file was valid; the database was not reachable).
   */
  private static void syncChecks(Checks checks, WatchkeeperConfig c) {
    List<dev.watchkeeper.check.CheckSpec> specs = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (WatchkeeperConfig.ConfiguredCheck cc : c.checks().list()) {
      specs.add(cc.spec());
      if (cc.id() != null) {
        ids.put(cc.spec().service() + "/" + cc.spec().slug(), cc.id());
      }
    }
    try {
      checks.syncConfig(specs, ids);
      LogEvent.CHECK_CONFIG_SYNCED.info(log).addKeyValue("checks", specs.size())
          .log("checks of the config file are in the database");
    } catch (RuntimeException e) {
      LogEvent.CHECK_CONFIG_SYNC_FAILED.error(log).setCause(e)
          .log("the config file's checks could not be written; they stay as they were");
    }
  }

  /** The probes of the config file and those made through the API. */
  static List<ProbeRunner.Scheduled> probes(WatchkeeperConfig c,
      dev.watchkeeper.check.CheckStore store) {
    List<ProbeRunner.Scheduled> out = new ArrayList<>();
    for (WatchkeeperConfig.ConfiguredCheck cc : c.checks().list()) {
      if (cc.probe() != null) {
        out.add(new ProbeRunner.Scheduled(cc.spec().service(), cc.spec().slug(), cc.probe()));
      }
    }
    try {
      store.probeDefinitions().forEach((id, json) -> {
        dev.watchkeeper.check.Check check = store.find(id).orElse(null);
        if (check == null) {
          return;
        }
        try {
          dev.watchkeeper.config.ProbeDefinition.Parsed p = dev.watchkeeper.config
              .ProbeDefinition.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(json), "probe");
          if (p.probe() != null) {
            out.add(new ProbeRunner.Scheduled(check.spec().service(), check.spec().slug(),
                p.probe()));
          } else {
            LogEvent.PROBE_DEFINITION_UNREADABLE.error(log).addKeyValue("check", id)
                .addKeyValue("problems", String.join("; ", p.errors()))
                .log("a stored probe definition is invalid; the probe does not run");
          }
        } catch (java.io.IOException e) {
          LogEvent.PROBE_DEFINITION_UNREADABLE.error(log).addKeyValue("check", id).setCause(e)
              .log("a stored probe definition is not JSON; the probe does not run");
        }
      });
    } catch (RuntimeException e) {
      LogEvent.PROBE_DEFINITION_UNREADABLE.error(log).setCause(e)
          .log("the probes made through the API could not be read; they do not run");
    }
    return out;
  }

  /**
   * The prober of the config in force: its own SSRF guard with
   * {@code checks.probe_allow_private_networks} (not the notifications' list); rebuilt when a
   * reload changes the list.
   */
  static Supplier<Prober> prober(LiveConfig config, Clock clock) {
    AtomicReference<Map.Entry<List<String>, Prober>> built = new AtomicReference<>();
    return () -> {
      List<String> allow = config.get().checks().probeAllowPrivateNetworks();
      Map.Entry<List<String>, Prober> b = built.get();
      if (b == null || !b.getKey().equals(allow)) {
        b = Map.entry(allow, Prober.withDefaultTrust(new SsrfGuard(allow), clock));
        built.set(b);
      }
      return b.getValue();
    };
  }

  /**
   * Escalation with the policies, users, teams and schedules of the config in force at each step;
   * a schedule target pages whoever the rota has on call when the level fires.
   */
  private static Escalator escalator(LiveConfig config, Rota rota) {
    return new Escalator(
        service -> config.get().service(service)
            .flatMap(s -> Optional.ofNullable(s.escalationPolicy()))
            .flatMap(id -> config.get().oncall().policy(id)),
        (target, at) -> switch (target.kind()) {
          case USER -> config.get().oncall().user(target.id()).map(u -> List.of(u.id()))
              .orElse(List.of());
          case TEAM -> config.get().oncall().team(target.id()).map(Team::members)
              .orElse(List.of());
          case SCHEDULE -> rota.resolve(target.id(), target.role(), at);
        },
        rota::reliefAfterPage,
        new Outbox(user -> config.get().oncall().user(user),
            () -> config.get().notifications().storm()));
  }

  /**
   * Email through the SMTP server of the config in force ({@code notifications.email}); the
   * channel is rebuilt when a reload changes the settings. Without settings, an email
   * notification fails for good (a dead letter naming the missing section).
   */
  static Channel email(LiveConfig config, Clock clock) {
    AtomicReference<Map.Entry<List<Object>, Channel>> built = new AtomicReference<>();
    return new Channel() {
      @Override
      public ContactMethod.Type type() {
        return ContactMethod.Type.EMAIL;
      }

      @Override
      public Delivery send(Message message) {
        WatchkeeperConfig.Email e = config.get().notifications().email();
        if (e == null) {
          return new Delivery.Failed("no SMTP server configured (notifications.email)");
        }
        var templates = config.get().notifications().templates();
        List<Object> key = List.of(e, templates);
        Map.Entry<List<Object>, Channel> b = built.get();
        if (b == null || !b.getKey().equals(key)) {
          b = Map.entry(key, new EmailChannel(new EmailChannel.Settings(e.host(), e.port(),
              e.starttls(), e.username(), e.password(), e.from(),
              EmailChannel.DEFAULT_TIMEOUT), clock, templates));
          built.set(b);
        }
        return b.getValue().send(message);
      }
    };
  }

  /**
   * A channel over HTTP(S) for the {@code notifications} settings in force: every request goes
   * through the SSRF guard (with the configured allow-list); rebuilt when a reload changes them.
   */
  static Channel http(LiveConfig config, ContactMethod.Type type, Clock clock,
      java.util.function.BiFunction<WatchkeeperConfig.Notifications, GuardedHttp, Channel> make) {
    AtomicReference<Map.Entry<WatchkeeperConfig.Notifications, Channel>> built =
        new AtomicReference<>();
    return new Channel() {
      @Override
      public ContactMethod.Type type() {
        return type;
      }

      @Override
      public Delivery send(Message message) {
        WatchkeeperConfig.Notifications n = config.get().notifications();
        Map.Entry<WatchkeeperConfig.Notifications, Channel> b = built.get();
        if (b == null || !b.getKey().equals(n)) {
          GuardedHttp h = new GuardedHttp(new SsrfGuard(n.allowPrivateNetworks()), clock);
          b = Map.entry(n, make.apply(n, h));
          built.set(b);
        }
        return b.getValue().send(message);
      }
    };
  }

  /** A channel that refuses every message with a reason (a setting is missing). */
  static Channel failing(ContactMethod.Type type, String reason) {
    return new Channel() {
      @Override
      public ContactMethod.Type type() {
        return type;
      }

      @Override
      public Delivery send(Message message) {
        return new Delivery.Failed(reason);
      }
    };
  }

  /** The rota's view of the config in force, built once per config (the maps are not free). */
  static Supplier<Rota.Setup> rotaSetup(LiveConfig config) {
    AtomicReference<Map.Entry<WatchkeeperConfig, Rota.Setup>> built = new AtomicReference<>();
    return () -> {
      WatchkeeperConfig c = config.get();
      Map.Entry<WatchkeeperConfig, Rota.Setup> b = built.get();
      if (b == null || b.getKey() != c) {
        Map<String, java.time.ZoneId> zones = new HashMap<>();
        c.oncall().users().forEach(u -> zones.put(u.id(), u.timeZone()));
        b = Map.entry(c, new Rota.Setup(c.oncall().schedules(), zones,
            c.oncall().recovery().enabled(), c.oncall().recovery().night()));
        built.set(b);
      }
      return b.getValue();
    };
  }

  /**
   * The label routes of the config in force, built (regular expressions compiled) once per config:
   * a reload applies from the next batch of events on.
   */
  static Supplier<LabelRoutes> labelRoutes(LiveConfig config) {
    AtomicReference<Map.Entry<WatchkeeperConfig, LabelRoutes>> built = new AtomicReference<>();
    return () -> {
      WatchkeeperConfig c = config.get();
      Map.Entry<WatchkeeperConfig, LabelRoutes> b = built.get();
      if (b == null || b.getKey() != c) {
        b = Map.entry(c, labelRoutes(c));
        built.set(b);
      }
      return b.getValue();
    };
  }

  static LabelRoutes labelRoutes(WatchkeeperConfig c) {
    Map<String, List<LabelRoutes.Route>> byService = new HashMap<>();
    for (WatchkeeperConfig.Service s : c.services()) {
      List<LabelRoutes.Route> routes = new ArrayList<>();
      for (WatchkeeperConfig.LabelRoute r : s.labelRoutes()) {
        Map<String, Pattern> re = new HashMap<>();
        r.matchRe().forEach((label, regex) -> re.put(label, Pattern.compile(regex)));
        routes.add(new LabelRoutes.Route(r.match(), re, r.service()));
      }
      byService.put(s.id(), routes);
    }
    return new LabelRoutes(byService);
  }

  /** Opens the database, migrates it, and starts processing and the HTTP server. */
  public static Application start(LiveConfig config) {
    Application app = new Application(config);
    app.processor.start();
    app.timers.start();
    app.flips.start();
    app.expiry.start();
    app.deadlines.start();
    app.folder.start();
    app.probes.reschedule(probes(config.get(), app.checkStore));
    try {
      app.udp.start();
      app.http.start();
      app.deliveries.start(DELIVERY_THREADS); // after the HTTP server: its links carry the bound port
    } catch (RuntimeException e) {
      app.probes.close();
      app.udp.close();
      app.pings.close();
      app.folder.close();
      app.deadlines.close();
      app.flips.close();
      app.expiry.close();
      app.committer.close();
      app.processor.close();
      app.timers.close();
      app.deliveries.close();
      app.db.close();
      throw e;
    }
    return app;
  }

  public int port() {
    return http.port();
  }

  /** The base of the links the server hands out: {@code public_url}, else its bound address. */
  public String publicUrl() {
    return http.publicUrl();
  }

  public String url() {
    String host = config.get().server().host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** Every HTTP endpoint as "METHOD /path". */
  public List<String> httpRoutes() {
    return http.routes();
  }

  public LiveConfig config() {
    return config;
  }

  @Override
  public void close() {
    LogEvent.SHUTDOWN_STARTED.info(log).log("shutting down: no new requests; finishing commits");
    http.close();
    probes.close();
    udp.close();
    pings.close();
    folder.close();
    deadlines.close();
    flips.close();
    expiry.close();
    committer.close();
    processor.close();
    timers.close();
    deliveries.close();
    db.close();
    gcMetrics.close();
    LogEvent.SHUTDOWN_COMPLETE.info(log).log("shutdown complete");
  }
}
