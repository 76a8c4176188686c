package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import dev.watchkeeper.incident.IncidentTx.AlertRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Incident lifecycle. Alerts drive it ({@link #reconcile}): a paging alert that fires and has no
 * open incident, is not silenced and not inhibited, joins the open incident of its service and
 * group (if opened within the grouping window) or opens a new one; when every alert of an
 * incident has resolved, the incident resolves (actor {@code system}). Responders drive it
 * through {@link #acknowledge}, {@link #resolve}, {@link #snooze}, {@link #reassign} and
 * {@link #note}; each names its actor and lands on the timeline.
 *
 * <p>Reconciling looks at the alerts' current state, not at the events, so running it again over
 * the same alerts (after a crash, the processor hands the same events over again) changes nothing.
 * Timeline lines about alerts are written once per alert status ({@code notedStatus}).
 *
 * <p>Threading: stateless; each call is one transaction.
 */
public final class IncidentEngine {
  public static final String SYSTEM = "system";

  private final IncidentStore store;
  private final Clock clock;
  private final Function<String, Grouping> grouping;
  private final Supplier<? extends BiFunction<String, Map<String, String>, List<String>>> silences;
  private final Supplier<Function<Map<String, String>, List<String>>> inhibitions;
  private final Function<String, Lifecycle> lifecycle;
  private final Paging paging;

  /** No inhibition, the default lifecycle, nobody paged (tests of grouping and silences). */
  public IncidentEngine(IncidentStore store, Clock clock, Function<String, Grouping> grouping,
      Supplier<Function<Map<String, String>, List<String>>> silences) {
    this(store, clock, grouping, silences, () -> labels -> List.of());
  }

  /** The default lifecycle, nobody paged (tests of inhibition). */
  public IncidentEngine(IncidentStore store, Clock clock, Function<String, Grouping> grouping,
      Supplier<Function<Map<String, String>, List<String>>> silences,
      Supplier<Function<Map<String, String>, List<String>>> inhibitions) {
    this(store, clock, grouping, () -> {
      Function<Map<String, String>, List<String>> byLabels = silences.get();
      return (service, labels) -> byLabels.apply(labels);
    }, inhibitions, service -> Lifecycle.DEFAULT, Paging.NONE);
  }

  /**
   * @param grouping the grouping of each service
   * @param silences reads the active silences once and returns, for an alert's service and
   *     labels, the ids of those that mute it
   * @param inhibitions returns, for an alert's labels, the fingerprints of the firing alerts that
   *     inhibit it (by the inhibition rules in force); called once per batch and expected to read
   *     the firing alerts only when some alert asked about is a possible target
   * @param lifecycle the lifecycle rules of each service (timeouts, flap damping)
   * @param paging pages people when an incident triggers and escalates it (the escalation engine)
   */
  public IncidentEngine(IncidentStore store, Clock clock, Function<String, Grouping> grouping,
      Supplier<? extends BiFunction<String, Map<String, String>, List<String>>> silences,
      Supplier<Function<Map<String, String>, List<String>>> inhibitions,
      Function<String, Lifecycle> lifecycle, Paging paging) {
    this.store = store;
    this.clock = clock;
    this.grouping = grouping;
    this.silences = silences;
    this.inhibitions = inhibitions;
    this.lifecycle = lifecycle;
    this.paging = paging;
  }

  /** An alert touched by the events just applied. */
  public record AlertRef(String service, String fingerprint) {}

  /**
   * Brings the incidents in line with the touched alerts' current state.
   *
   * @return the touched alerts that are resolved now (for expire-when-resolved silences, which
   *     the caller handles after this transaction); the same again when run again
   */
  public List<AlertRow> reconcile(List<AlertRef> touched) {
    return reconcile(touched, Set.of());
  }

  /**
   * As {@link #reconcile(List)}; the alerts in {@code expired} had an expiry applied (their end
   * time passed without a new report), so a resolution of theirs is recorded as the system's,
   * saying so, rather than as their source's.
   */
  public List<AlertRow> reconcile(List<AlertRef> touched, Set<AlertRef> expired) {
    Instant now = clock.instant();
    // First a plain read, outside the write lock: under a steady stream of re-sent alerts
    // (Prometheus re-sends every firing alert each evaluation) almost every touched alert is
    // already attached to its open incident with its status noted, and there is nothing to
    // write. Only the others go through the write transaction, which reads them again there.
    // The processor is the only writer of alert status; a responder resolving or merging an
    // incident after this read orders after this batch, as if the batch had committed first.
    Map<AlertRef, AlertRow> seen = rowsOf(touched, store::alertRows);
    Map<Long, Optional<Incident>> incidents = new HashMap<>();
    List<AlertRef> changing = new ArrayList<>();
    for (AlertRef ref : touched) {
      AlertRow a = seen.get(ref);
      if (a != null && !unchanged(a, incidents)) {
        changing.add(ref);
      }
    }
    Map<AlertRef, AlertRow> written = changing.isEmpty() ? Map.of()
        : store.inDerivedTransaction(tx -> reconcileInTransaction(tx, changing, expired, now));
    List<AlertRow> resolved = new ArrayList<>();
    for (AlertRef ref : touched) {
      AlertRow a = written.getOrDefault(ref, seen.get(ref));
      if (a != null && !a.firing()) {
        resolved.add(a);
      }
    }
    return resolved;
  }

  /**
   * Whether reconciling {@code a} would write nothing: its status is noted already, and it needs
   * no new incident (it is attached to an open one, or it does not page).
   */
  private boolean unchanged(AlertRow a, Map<Long, Optional<Incident>> incidents) {
    String status = a.firing() ? "firing" : "resolved";
    if (!status.equals(a.notedStatus())) {
      return false;
    }
    boolean pages = a.firing() && a.severity() != Severity.INFO;
    if (!pages) {
      return true;
    }
    return a.incidentId() != null && incidents.computeIfAbsent(a.incidentId(), store::find)
        .filter(i -> i.state() != IncidentState.RESOLVED).isPresent();
  }

  /** The touched alerts' rows, one read per service. */
  private static Map<AlertRef, AlertRow> rowsOf(List<AlertRef> touched,
      BiFunction<String, List<String>, List<AlertRow>> read) {
    Map<String, List<String>> byService = new LinkedHashMap<>();
    for (AlertRef ref : touched) {
      byService.computeIfAbsent(ref.service(), k -> new ArrayList<>()).add(ref.fingerprint());
    }
    Map<AlertRef, AlertRow> rows = new HashMap<>();
    byService.forEach((service, fps) -> read.apply(service, fps)
        .forEach(a -> rows.put(new AlertRef(a.service(), a.fingerprint()), a)));
    return rows;
  }

  private Map<AlertRef, AlertRow> reconcileInTransaction(IncidentTx tx, List<AlertRef> touched,
      Set<AlertRef> expired, Instant now) {
    // One read per service for all touched alerts, and each incident read once: this runs for
    // every batch of events, so round trips per alert would starve it under load.
    Map<AlertRef, AlertRow> rows = rowsOf(touched, tx::alerts);
    IncidentTx cached = new CachingTx(tx);
    // Silences and inhibitions are read once per batch, and only when an alert needs them.
    BiFunction<String, Map<String, String>, List<String>> silencedBy = onceBy(silences);
    Function<Map<String, String>, List<String>> inhibitedBy = once(inhibitions);
    for (AlertRef ref : touched) {
      AlertRow a = rows.get(ref);
      if (a != null) {
        reconcile(cached, a, expired.contains(ref), now, silencedBy, inhibitedBy);
      }
    }
    return rows;
  }

  /** A function got from {@code source} on its first use, then reused (not thread-safe). */
  private static Function<Map<String, String>, List<String>> once(
      Supplier<Function<Map<String, String>, List<String>>> source) {
    return new Function<>() {
      private Function<Map<String, String>, List<String>> got;

      @Override
      public List<String> apply(Map<String, String> labels) {
        if (got == null) {
          got = source.get();
        }
        return got.apply(labels);
      }
    };
  }

  /** As {@link #once}, for a function of the service and the labels. */
  private static BiFunction<String, Map<String, String>, List<String>> onceBy(
      Supplier<? extends BiFunction<String, Map<String, String>, List<String>>> source) {
    return new BiFunction<>() {
      private BiFunction<String, Map<String, String>, List<String>> got;

      @Override
      public List<String> apply(String service, Map<String, String> labels) {
        if (got == null) {
          got = source.get();
        }
        return got.apply(service, labels);
      }
    };
  }

  private void reconcile(IncidentTx tx, AlertRow a, boolean expired, Instant now,
      BiFunction<String, Map<String, String>, List<String>> silencedBy,
      Function<Map<String, String>, List<String>> inhibitedBy) {
    String status = a.firing() ? "firing" : "resolved";
    boolean pages = a.firing() && a.severity() != Severity.INFO;
    Optional<Incident> current = a.incidentId() == null ? Optional.empty()
        : tx.incident(a.incidentId()).filter(i -> i.state() != IncidentState.RESOLVED);
    if (pages && current.isEmpty() && !silencedBy.apply(a.service(), a.labels()).isEmpty()) {
      // Silenced: recorded (the alert is stored and listed) but it does not page. A later event
      // for the alert after the silence ends opens the incident.
      tx.markNoted(a.id(), "silenced");
      return;
    }
    if (pages && current.isEmpty() && !inhibitedBy.apply(a.labels()).isEmpty()) {
      // Inhibited by a firing source alert: as for silences, recorded but no incident. Nothing
      // re-checks it when the source resolves; its next firing event (Prometheus re-sends firing
      // alerts every evaluation) opens the incident then. An alert that already has an open
      // incident keeps it (Alertmanager would stop notifying; Watchkeeper does not un-page).
      tx.markNoted(a.id(), "inhibited");
      return;
    }
    if (pages && current.isEmpty() && a.incidentId() != null) {
      Grouping g = grouping.apply(a.service());
      Optional<Incident> last = tx.incident(a.incidentId());
      if (last.isPresent() && last.get().mergedInto() == null
          && last.get().resolvedAt() != null
          && !last.get().resolvedAt().isBefore(now.minus(g.reopenWindow()))
          && !g.reopenWindow().isZero()) {
        tx.update(last.get().reopened(now).escalatedTo(a.severity(), now));
        tx.addTimeline(a.incidentId(), now, "source:" + a.service(), "incident.reopened",
            "re-opened: alert " + a.fingerprint() + " fired again within "
                + g.reopenWindow().toMinutes() + " min of the resolution");
        triggered(tx, a.incidentId(), a.service(), now);
        paging.start(tx, a.incidentId(), a.service(), now, "incident re-opened by alert "
            + a.fingerprint());
        tx.markNoted(a.id(), status);
        return;
      }
    }
    if (pages && current.isEmpty()) {
      Grouping g = grouping.apply(a.service());
      String key = g.key(a.labels());
      // Window 0: every alert opens its own incident (also two alerts of one batch, which share
      // one `now` and would otherwise both see the first one's incident as just opened).
      Optional<Incident> open = g.window().isZero() ? Optional.empty()
          : tx.openIncident(a.service(), key, now.minus(g.window()));
      long id;
      if (open.isPresent()) {
        Incident i = open.get();
        id = i.id();
        Incident raised = i.escalatedTo(a.severity(), now);
        if (raised.severity() != i.severity() || !raised.urgency().equals(i.urgency())) {
          tx.update(raised); // otherwise attach() below moves updated_at: one write less
        }
        tx.addTimeline(id, now, "source:" + a.service(), "alert.grouped",
            "alert " + a.fingerprint() + " joined: " + text(a.summary()));
      } else {
        id = tx.insertIncident(a.service(), a.summary() == null ? a.fingerprint() : a.summary(),
            a.severity(), Incident.urgencyOf(a.severity()), key, now);
        tx.addTimeline(id, now, "source:" + a.service(), "incident.triggered",
            "triggered by alert " + a.fingerprint() + ": " + text(a.summary()));
        Duration after = lifecycle.apply(a.service()).autoResolveAfter();
        if (!after.isZero()) {
          tx.scheduleTimer(id, IncidentTimer.Kind.AUTO_RESOLVE, now.plus(after), now);
        }
        paging.start(tx, id, a.service(), now, "incident triggered by alert " + a.fingerprint());
      }
      tx.attach(a.id(), id, status, now);
      return;
    }
    if (current.isEmpty() || status.equals(a.notedStatus())) {
      if (!status.equals(a.notedStatus())) {
        tx.markNoted(a.id(), status);
      }
      return;
    }
    Incident i = current.get();
    tx.markNoted(a.id(), status);
    if (a.firing()) {
      tx.addTimeline(i.id(), now, "source:" + a.service(), "alert.refired",
          "alert " + a.fingerprint() + " fired again: " + text(a.summary()));
      return;
    }
    if (expired) {
      tx.addTimeline(i.id(), now, SYSTEM, "alert.resolved", "alert " + a.fingerprint()
          + " resolved: not reported again by its end time (Alertmanager's endsAt)");
    } else {
      tx.addTimeline(i.id(), now, "source:" + a.service(), "alert.resolved",
          "alert " + a.fingerprint() + " resolved");
    }
    Lifecycle rules = lifecycle.apply(a.service());
    if (rules.damping()) {
      int resolutions = tx.countResolution(a.id(), now, rules.flapWindow());
      if (resolutions > rules.flapResolutions()) {
        // Flapping: keep this incident open so the next firing lands here instead of paging
        // with a new incident; it resolves once its alerts stay resolved through the window.
        tx.scheduleTimer(i.id(), IncidentTimer.Kind.FLAP_SETTLE, now.plus(rules.flapWindow()),
            now);
        tx.addTimeline(i.id(), now, SYSTEM, "alert.flapping", "alert " + a.fingerprint()
            + " is flapping (resolved " + resolutions + " times within "
            + human(rules.flapWindow()) + "); the incident stays open until its alerts stay"
            + " resolved for " + human(rules.flapWindow()));
        return;
      }
    }
    if (rules.resolveWhenAlertsResolve() && tx.firingAlerts(i.id()) == 0
        && (!rules.damping() || !tx.timerPending(i.id(), IncidentTimer.Kind.FLAP_SETTLE))) {
      tx.update(i.resolved(now, SYSTEM, null));
      tx.cancelTimers(i.id());
      tx.addTimeline(i.id(), now, SYSTEM, "incident.resolved", "resolved: all its alerts resolved");
    }
  }

  /** Timers of a re-opened incident: only the auto-resolve deadline, if the service has one. */
  private void triggered(IncidentTx tx, long id, String service, Instant now) {
    tx.cancelTimers(id);
    Duration after = lifecycle.apply(service).autoResolveAfter();
    if (!after.isZero()) {
      tx.scheduleTimer(id, IncidentTimer.Kind.AUTO_RESOLVE, now.plus(after), now);
    }
  }

  /**
   * Fires up to {@code limit} timers that are due now, in one transaction, and returns how many
   * fired (0 when the due ones all belong to incidents another transaction holds right now). Each timer's row is removed in the transaction that applies it, so a crash before the
   * commit leaves it to fire again and a commit never leaves it behind.
   */
  public int fireDueTimers(int limit) {
    Instant now = clock.instant();
    return store.inTransaction(tx -> {
      int fired = 0;
      for (IncidentTimer t : tx.claimDueTimers(now, limit)) {
        // Lock order: timer rows, then the incident without waiting (a responder's action holds
        // them the other way round). A busy incident keeps its timer for the next round.
        Optional<Incident> i = tx.incidentIfFree(t.incidentId());
        if (i.isPresent()) {
          tx.cancelTimers(t.incidentId(), t.kind()); // before firing: it may set the next one
          fire(tx, t, i.get(), now);
          fired++;
        }
      }
      return fired;
    });
  }

  private void fire(IncidentTx tx, IncidentTimer t, Incident i, Instant now) {
    Lifecycle rules = lifecycle.apply(i.service());
    switch (t.kind()) {
      case ACK_TIMEOUT -> {
        if (i.state() == IncidentState.ACKNOWLEDGED && i.snoozedUntil() == null) {
          tx.update(i.retriggered(now));
          tx.addTimeline(i.id(), now, SYSTEM, "incident.ack_timeout", "acknowledgement by "
              + i.acknowledgedBy() + " timed out after " + human(rules.ackTimeout())
              + "; back to triggered");
          paging.start(tx, i.id(), i.service(), now, "acknowledgement timed out");
        }
      }
      case SNOOZE_END -> {
        if (i.state() == IncidentState.ACKNOWLEDGED && i.snoozedUntil() != null) {
          tx.update(i.retriggered(now));
          tx.addTimeline(i.id(), now, SYSTEM, "incident.snooze_ended",
              "snooze ended; back to triggered");
          paging.start(tx, i.id(), i.service(), now, "snooze ended");
        }
      }
      case AUTO_RESOLVE -> {
        if (i.state() != IncidentState.RESOLVED) {
          tx.update(i.resolved(now, SYSTEM, null));
          tx.cancelTimers(i.id());
          tx.addTimeline(i.id(), now, SYSTEM, "incident.resolved", "auto-resolved: still open "
              + human(Duration.between(i.openedAt(), now)) + " after it triggered"
              + " (auto_resolve_after " + human(rules.autoResolveAfter()) + ")");
        }
      }
      case ESCALATE -> {
        if (i.state() == IncidentState.TRIGGERED) {
          paging.advance(tx, i, now, null);
        }
      }
      case FLAP_SETTLE -> {
        if (i.state() != IncidentState.RESOLVED && rules.resolveWhenAlertsResolve()
            && tx.firingAlerts(i.id()) == 0) {
          tx.update(i.resolved(now, SYSTEM, null));
          tx.cancelTimers(i.id());
          tx.addTimeline(i.id(), now, SYSTEM, "incident.resolved", "resolved: its alerts stayed"
              + " resolved for " + human(rules.flapWindow()) + " after flapping");
        }
      }
    }
  }

  /** A duration as a person says it: 90s, 15 min, 4 h, 1 h 30 min. */
  static String human(Duration d) {
    long s = d.getSeconds();
    if (s < 60 || s % 60 != 0) {
      return s + " s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + " min";
    }
    return m % 60 == 0 ? (m / 60) + " h" : (m / 60) + " h " + (m % 60) + " min";
  }

  /**
   * Acknowledges the open incident of an alert, as a sender asked (PagerDuty
   * {@code event_action: acknowledge}); nothing happens if the alert has no open incident.
   */
  public void acknowledgeAlert(String service, String fingerprint, String actor) {
    store.incidentOf(service, fingerprint).ifPresent(incident -> acknowledge(incident, actor));
  }

  public Outcome acknowledge(long id, String actor) {
    return act(id, actor, "incident.acknowledged", i -> switch (i.state()) {
      case RESOLVED -> conflict("incident " + id + " is resolved; it cannot be acknowledged");
      case ACKNOWLEDGED -> conflict("incident " + id + " is already acknowledged by "
          + i.acknowledgedBy());
      case TRIGGERED -> null;
    }, (tx, i, now) -> {
      tx.cancelTimers(i.id(), IncidentTimer.Kind.ESCALATE);
      Duration timeout = lifecycle.apply(i.service()).ackTimeout();
      if (!timeout.isZero()) {
        tx.scheduleTimer(i.id(), IncidentTimer.Kind.ACK_TIMEOUT, now.plus(timeout), now);
      }
      return i.acknowledged(now, actor);
    }, i -> "acknowledged");
  }

  public Outcome resolve(long id, String actor) {
    return act(id, actor, "incident.resolved", i -> i.state() == IncidentState.RESOLVED
        ? conflict("incident " + id + " is already resolved") : null,
        (tx, i, now) -> {
          tx.cancelTimers(i.id());
          return i.resolved(now, actor, null);
        }, i -> "resolved");
  }

  public Outcome snooze(long id, String actor, Instant until) {
    return act(id, actor, "incident.snoozed", i -> {
      if (i.state() != IncidentState.ACKNOWLEDGED) {
        return conflict("incident " + id + " is " + i.state().wire()
            + "; only an acknowledged incident can be snoozed (acknowledge it first)");
      }
      return until.isAfter(clock.instant()) ? null
          : conflict("the snooze end " + until + " is not in the future");
    }, (tx, i, now) -> {
      // A snooze replaces the acknowledgement timeout: the incident comes back at its end.
      tx.cancelTimers(i.id(), IncidentTimer.Kind.ACK_TIMEOUT);
      tx.scheduleTimer(i.id(), IncidentTimer.Kind.SNOOZE_END, until, now);
      return i.snoozed(until, now);
    }, i -> "snoozed until " + until);
  }

  /**
   * Pages the next escalation level now. An acknowledged incident goes back to triggered first
   * (escalating means "I need someone else"); a resolved one cannot be escalated.
   */
  public Outcome escalate(long id, String actor) {
    try {
      return escalateInTx(id, actor);
    } catch (Refused r) {
      return r.outcome; // rolled back: nothing of the attempt stays
    }
  }

  /** Thrown to roll a transaction back with an answer for the user. */
  private static final class Refused extends RuntimeException {
    final Outcome outcome;

    Refused(Outcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }
  }

  private Outcome escalateInTx(long id, String actor) {
    return store.inTransaction(tx -> {
      Optional<Incident> found = tx.incident(id);
      if (found.isEmpty()) {
        return new Outcome.NotFound(id);
      }
      Incident i = found.get();
      if (i.state() == IncidentState.RESOLVED) {
        return conflict("incident " + id + " is resolved; it cannot be escalated");
      }
      Instant now = clock.instant();
      if (i.state() == IncidentState.ACKNOWLEDGED) {
        i = i.retriggered(now);
        tx.update(i);
        tx.cancelTimers(id, IncidentTimer.Kind.ACK_TIMEOUT, IncidentTimer.Kind.SNOOZE_END);
      }
      String refused = paging.advance(tx, i, now, "escalated by " + actor);
      if (refused != null) {
        throw new Refused(conflict(refused));
      }
      return new Outcome.Done(tx.incident(id).orElseThrow());
    });
  }

  public Outcome reassign(long id, String actor, String assignee) {
    return act(id, actor, "incident.reassigned", i -> i.state() == IncidentState.RESOLVED
        ? conflict("incident " + id + " is resolved; it cannot be reassigned") : null,
        (tx, i, now) -> i.assigned(assignee, now), i -> "assigned to " + assignee);
  }

  /** Sets the priority, P1 (highest) to P5; the caller validated the value. */
  public Outcome prioritize(long id, String actor, String priority) {
    return act(id, actor, "incident.prioritized", i -> null,
        (tx, i, now) -> i.prioritized(priority, now), i -> "priority set to " + priority);
  }

  /**
   * Merges incident {@code id} into {@code targetId}: its alerts move to the target, it is
   * resolved as merged, and both timelines say so.
   */
  public Outcome merge(long id, long targetId, String actor) {
    if (id == targetId) {
      return conflict("an incident cannot be merged into itself");
    }
    return store.inTransaction(tx -> {
      Optional<Incident> source = tx.incident(id);
      Optional<Incident> target = tx.incident(targetId);
      if (source.isEmpty()) {
        return new Outcome.NotFound(id);
      }
      if (target.isEmpty()) {
        return new Outcome.NotFound(targetId);
      }
      if (source.get().state() == IncidentState.RESOLVED) {
        return conflict("incident " + id + " is resolved; only open incidents can be merged");
      }
      if (target.get().state() == IncidentState.RESOLVED) {
        return conflict("incident " + targetId + " is resolved; merge into an open incident");
      }
      if (!source.get().service().equals(target.get().service())) {
        return conflict("incident " + id + " belongs to service " + source.get().service()
            + " and incident " + targetId + " to " + target.get().service()
            + "; only incidents of one service can be merged");
      }
      Instant now = clock.instant();
      tx.moveAlerts(id, targetId);
      Incident merged = source.get().resolved(now, actor, targetId);
      tx.update(merged);
      tx.cancelTimers(id);
      tx.update(target.get().escalatedTo(source.get().severity(), now));
      tx.addTimeline(id, now, actor, "incident.merged", "merged into incident " + targetId);
      tx.addTimeline(targetId, now, actor, "incident.merged",
          "incident " + id + " merged into this one with its alerts");
      return new Outcome.Done(tx.incident(targetId).orElseThrow());
    });
  }

  public Outcome note(long id, String actor, String text) {
    return act(id, actor, "note", i -> null, (tx, i, now) -> i, i -> text);
  }

  /** The new incident value; may also set or cancel timers in the same transaction. */
  private interface Change {
    Incident apply(IncidentTx tx, Incident i, Instant now);
  }

  private Outcome act(long id, String actor, String kind, Function<Incident, Outcome> check,
      Change change, Function<Incident, String> message) {
    return store.inTransaction(tx -> {
      Optional<Incident> found = tx.incident(id);
      if (found.isEmpty()) {
        return new Outcome.NotFound(id);
      }
      Outcome refused = check.apply(found.get());
      if (refused != null) {
        return refused;
      }
      Instant now = clock.instant();
      Incident next = change.apply(tx, found.get(), now);
      if (next != found.get()) {
        tx.update(next);
      }
      tx.addTimeline(id, now, actor, kind, message.apply(next));
      return new Outcome.Done(next);
    });
  }

  private static Outcome conflict(String reason) {
    return new Outcome.Conflict(reason);
  }

  private static String text(String s) {
    return s == null ? "(no summary)" : s;
  }

}
