package dev.watchkeeper.escalation;

import dev.watchkeeper.escalation.EscalationPolicy.Level;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.incident.EscalationState;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentTimer;
import dev.watchkeeper.incident.IncidentTx;
import dev.watchkeeper.incident.Paging;
import dev.watchkeeper.notify.Outbox;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The escalation engine. A triggered incident pages its service's policy's level 1 at once and
 * sets a durable {@link IncidentTimer.Kind#ESCALATE} timer for the level's delay; when the timer
 * fires and the incident is still triggered, the next level is paged, and so on; after the last
 * level the policy starts over {@code repeat} times, then it is exhausted. Acknowledging or
 * resolving removes the timer ({@code IncidentEngine} does that); a re-trigger starts at level 1.
 *
 * <p>Everything runs inside the caller's transaction: the pages, the new state and the next timer
 * commit together with the change that caused them, so a crash neither loses nor doubles a level
 * (the timer row is removed in the transaction that fires it).
 *
 * <p>A page that starts a relief under the recovery rule (a night page) adds a line such as
 * {@code ann relieved until 2026-11-24T03:10Z (paged at night; recovery rule)} to the timeline;
 * the relief itself is derived from the page by the schedules, not stored here.
 *
 * <p>Threading: stateless apart from the lookups it is given, which read the config in force.
 */
public final class Escalator implements Paging {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final Function<String, Optional<EscalationPolicy>> policyOfService;
  private final BiFunction<Target, Instant, List<String>> resolve;
  private final BiFunction<String, Instant, Optional<Instant>> reliefAfterPage;
  private final Outbox outbox;

  /**
   * Without the recovery rule.
   *
   * @param policyOfService the policy a service names, if any
   * @param resolve the user ids a target stands for now: a user, a team's members, or whoever
   *     is on call in a schedule (in order; may be empty)
   */
  public Escalator(Function<String, Optional<EscalationPolicy>> policyOfService,
      Function<Target, List<String>> resolve) {
    this(policyOfService, (target, at) -> resolve.apply(target), (user, at) -> Optional.empty());
  }

  /**
   * @param policyOfService the policy a service names, if any
   * @param resolve the user ids a target stands for at the instant the level fires: a user, a
   *     team's members, or whoever is on call in a schedule (in order; may be empty)
   * @param reliefAfterPage the end of the relief (recovery rule) a page of this user at this
   *     instant starts, if it starts one: written on the incident's timeline
   */
  public Escalator(Function<String, Optional<EscalationPolicy>> policyOfService,
      BiFunction<Target, Instant, List<String>> resolve,
      BiFunction<String, Instant, Optional<Instant>> reliefAfterPage) {
    this(policyOfService, resolve, reliefAfterPage, new Outbox(user -> Optional.empty(),
        () -> dev.watchkeeper.config.WatchkeeperConfig.StormControl.OFF));
  }

  /**
   * As above, and every page queues one notification per contact method of the paged user in
   * the outbox, in the same transaction ({@link IncidentTx#addNotification}).
   *
   * @param outbox turns each page into outbox rows by the paged user's notification rules
   */
  public Escalator(Function<String, Optional<EscalationPolicy>> policyOfService,
      BiFunction<Target, Instant, List<String>> resolve,
      BiFunction<String, Instant, Optional<Instant>> reliefAfterPage,
      Outbox outbox) {
    this.policyOfService = policyOfService;
    this.resolve = resolve;
    this.reliefAfterPage = reliefAfterPage;
    this.outbox = outbox;
  }

  @Override
  public void start(IncidentTx tx, long incidentId, String service, Instant now,
      String reason) {
    Optional<EscalationPolicy> policy = policyOfService.apply(service);
    if (policy.isEmpty()) {
      tx.addTimeline(incidentId, now, "system", "incident.not_paged", "service " + service
          + " has no escalation policy; nobody was paged");
      return;
    }
    fire(tx, incidentId, policy.get(), 1, 0, now, reason);
  }

  @Override
  public String advance(IncidentTx tx, Incident incident, Instant now, String reason) {
    Optional<EscalationState> state = tx.escalation(incident.id());
    Optional<EscalationPolicy> current = policyOfService.apply(incident.service());
    if (state.isEmpty() || current.isEmpty()
        || !state.get().policyId().equals(current.get().id())) {
      // Never escalated, or the service's policy changed since: start the policy in force.
      if (current.isEmpty()) {
        return "service " + incident.service() + " has no escalation policy";
      }
      fire(tx, incident.id(), current.get(), 1, 0, now,
          reason == null ? "escalation policy changed" : reason);
      return null;
    }
    EscalationPolicy policy = current.get();
    EscalationState s = state.get();
    if (reason == null) { // the level's timer came due
      int last = Math.min(s.level(), policy.levels().size());
      reason = "not acknowledged within " + Outbox.human(policy.levels().get(last - 1).delay());
    }
    if (s.level() < policy.levels().size()) {
      fire(tx, incident.id(), policy, s.level() + 1, s.round(), now, reason);
    } else if (s.round() < policy.repeat()) {
      fire(tx, incident.id(), policy, 1, s.round() + 1, now,
          reason + "; repeating the policy (" + ordinal(s.round() + 2) + " time of "
              + (policy.repeat() + 1) + ")");
    } else {
      if (!s.exhausted()) {
        tx.saveEscalation(new EscalationState(incident.id(), policy.id(), s.level(), s.round(),
            s.firedAt(), true));
        tx.addTimeline(incident.id(), now, "system", "incident.escalation_exhausted",
            "escalation policy " + policy.id() + " exhausted: every level paged "
                + (policy.repeat() + 1) + (policy.repeat() == 0 ? " time" : " times")
                + " and nobody acknowledged");
      }
      return "escalation policy " + policy.id() + " is exhausted; every level has been paged";
    }
    return null;
  }

  private void fire(IncidentTx tx, long incidentId, EscalationPolicy policy, int level,
      int round, Instant now, String reason) {
    Level l = policy.levels().get(level - 1);
    Set<String> people = new LinkedHashSet<>();
    for (Target t : l.targets()) {
      people.addAll(resolve.apply(t, now));
    }
    List<String> paged = new ArrayList<>(people);
    if (l.roundRobin() && paged.size() > 1) {
      long turn = tx.nextRoundRobin(policy.id(), level);
      paged = List.of(paged.get((int) (turn % paged.size())));
    }
    String targets = String.join(", ", l.targets().stream().map(Target::toString).toList());
    List<String> reliefs = new ArrayList<>();
    String kind = level == 1 && round == 0 ? "triggered" : "escalated";
    String urgency = tx.incident(incidentId).map(Incident::urgency).orElse("high");
    for (String user : paged) {
      long page = tx.addPage(incidentId, level, user, now, reason);
      // The outbox: one notification per contact method, committed with the page. Only the
      // method's index is stored; the (possibly secret) address is read from config when sent.
      outbox.queue(tx, incidentId, page, user, urgency, kind, now);
      reliefAfterPage.apply(user, now).ifPresent(until -> reliefs.add(user + " relieved until "
          + (until.getEpochSecond() % 60 == 0 ? MINUTES : SECONDS).format(until)
          + " (paged at night; recovery rule)"));
    }
    tx.saveEscalation(new EscalationState(incidentId, policy.id(), level, round, now, false));
    tx.scheduleTimer(incidentId, IncidentTimer.Kind.ESCALATE, now.plus(l.delay()), now);
    String who = paged.isEmpty() ? "nobody to page at this level" : "paged " + String.join(", ",
        paged);
    String what = level == 1 && round == 0 ? "paged level 1" : "escalated to level " + level;
    tx.addTimeline(incidentId, now, "system", "incident.escalated", what + " of policy "
        + policy.id() + " (targets: " + targets + "; " + who + "): " + reason
        + "; next level unless acknowledged within " + Outbox.human(l.delay()));
    for (String relief : reliefs) {
      tx.addTimeline(incidentId, now, "system", "oncall.relieved", relief);
    }
  }

  private static String ordinal(int n) {
    return n + (n == 2 ? "nd" : n == 3 ? "rd" : "th");
  }
}
