package dev.watchkeeper.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.config.WatchkeeperConfig.StormControl;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.people.NotificationRule;
import dev.watchkeeper.people.QuietHours;
import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Level;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.escalation.Escalator;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.incident.TimelineEntry;
import dev.watchkeeper.notify.Notification.State;
import dev.watchkeeper.people.ContactMethod;
import dev.watchkeeper.people.ContactMethod.Type;
import dev.watchkeeper.people.User;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.store.JdbcNotificationStore;
import dev.watchkeeper.web.Json;
import dev.watchkeeper.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The notifications outbox and its delivery workers, on every supported database: pages queue
 * one row per contact method in their transaction; workers retry with backoff, give up after
 * the maximum, and record every attempt on the timeline without the address.
 */
abstract class NotificationContract {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");
  static final String ANN_HOOK = "https://hooks.example.com/secret-token-ann";

  /** ann has two contact methods, ben has none, sam only an SMS number. */
  static final Map<String, User> USERS = Map.of(
      "ann", new User("ann", "Ann", "ann@example.com", ZoneOffset.UTC, List.of(
          new ContactMethod(Type.EMAIL, "ann@example.com"),
          new ContactMethod(Type.WEBHOOK, ANN_HOOK))),
      "ben", new User("ben", "Ben", null, ZoneOffset.UTC, List.of()),
      "sam", new User("sam", "Sam", null, ZoneOffset.UTC, List.of(
          new ContactMethod(Type.SMS, "+15550100"))),
      // dee: email at once; the webhook 2 minutes later, for high urgency only.
      "dee", new User("dee", "Dee", null, ZoneOffset.UTC, List.of(
          new ContactMethod(Type.EMAIL, "dee@example.com"),
          new ContactMethod(Type.WEBHOOK, "https://hooks.example.com/dee")), List.of(
          new NotificationRule(NotificationRule.Urgency.ANY, Duration.ZERO, List.of(0)),
          new NotificationRule(NotificationRule.Urgency.HIGH, Duration.ofMinutes(2),
              List.of(1))), null),
      // quinn: quiet hours 22:00-07:00 in Berlin (UTC+1 in November).
      "quinn", new User("quinn", "Quinn", null, java.time.ZoneId.of("Europe/Berlin"), List.of(
          new ContactMethod(Type.EMAIL, "quinn@example.com")), List.of(),
          new QuietHours(java.time.LocalTime.of(22, 0), java.time.LocalTime.of(7, 0))));

  Database db;
  JdbcIncidentStore incidents;
  JdbcNotificationStore store;
  Instant now = T0;
  final Clock clock = SettableClock.following(() -> now);
  StormControl storm = StormControl.OFF;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    incidents = new JdbcIncidentStore(db, Json.create());
    store = new JdbcNotificationStore(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  /** An incident of service "web" whose policy pages the given users at level 1. */
  long page(String... users) {
    return pageWith("high", users);
  }

  /** As above, with the incident's urgency. */
  long pageWith(String urgency, String... users) {
    List<Target> targets = new ArrayList<>();
    for (String u : users) {
      targets.add(new Target(Target.Kind.USER, u));
    }
    EscalationPolicy policy = new EscalationPolicy("p", "p",
        List.of(new Level(targets, Duration.ofMinutes(15), false)), 0);
    Escalator escalator = new Escalator(service -> Optional.of(policy),
        (target, at) -> List.of(target.id()), (user, at) -> Optional.empty(),
        new Outbox(user -> Optional.ofNullable(USERS.get(user)), () -> storm));
    return incidents.inTransaction(tx -> {
      long id = tx.insertIncident("web", "db <down> & \"out\"", Severity.CRITICAL, urgency,
          "g" + now.toEpochMilli() + tx.hashCode(), now);
      escalator.start(tx, id, "web", now, "triggered");
      return id;
    });
  }

  Deliveries deliveries(int maxAttempts, Channel... channels) {
    Map<Type, Channel> byType = new java.util.HashMap<>();
    for (Channel c : channels) {
      byType.put(c.type(), c);
    }
    return new Deliveries(store, byType, u -> Optional.ofNullable(USERS.get(u)),
        incidents::find, clock, () -> 0.5, maxAttempts);
  }

  List<Notification> all() {
    List<Notification> rows = new ArrayList<>(store.list(new NotificationStore.Query(null, null,
        100)));
    java.util.Collections.reverse(rows);
    return rows;
  }

  List<String> notificationLines(long incident) {
    return incidents.timeline(incident).stream().filter(e -> e.kind().startsWith("notification"))
        .map(TimelineEntry::message).toList();
  }

  @Test
  void aPageQueuesOneNotificationPerContactMethodWithoutTheAddress() {
    long id = page("ann", "ben");
    List<Notification> rows = all();
    long annPage = incidents.pages(id).get(0).id();
    assertThat(rows).extracting(Notification::userId, Notification::channel,
            Notification::methodIndex, Notification::state, Notification::idempotencyKey)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ann", Type.EMAIL, 0, State.PENDING,
                id + "-" + annPage + "-0"),
            org.assertj.core.groups.Tuple.tuple("ann", Type.WEBHOOK, 1, State.PENDING,
                id + "-" + annPage + "-1"));
    assertThat(rows).allSatisfy(n -> {
      assertThat(n.kind()).isEqualTo("triggered");
      assertThat(n.nextAttemptAt()).isEqualTo(T0);
      assertThat(n.attempts()).isZero();
      assertThat(n.toString()).doesNotContain(ANN_HOOK);
    });
  }

  @Test
  void aRolledBackPageLeavesNoNotification() {
    assertThatThrownBy(() -> incidents.inTransaction(tx -> {
      long id = tx.insertIncident("web", "t", Severity.CRITICAL, "high", "g", now);
      long page = tx.addPage(id, 1, "ann", now, "triggered");
      tx.addNotification(id, page, "ann", 0, "email", "triggered", now);
      throw new IllegalStateException("crash before commit");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(all()).isEmpty();
  }

  @Test
  void retriesWithExponentialBackoffUntilDelivered() {
    long id = page("ann");
    FakeChannel email = new FakeChannel(Type.EMAIL,
        new Delivery.RetryLater("421 try later", null),
        new Delivery.RetryLater("connection refused", null),
        new Delivery.Delivered(Duration.ofMillis(42)));
    Deliveries d = deliveries(8, email, new FakeChannel(Type.WEBHOOK,
        new Delivery.Delivered(Duration.ofMillis(7))));

    assertThat(d.runOnce()).isEqualTo(2);
    Notification mail = all().get(0);
    assertThat(mail.state()).isEqualTo(State.PENDING);
    assertThat(mail.attempts()).isEqualTo(1);
    assertThat(mail.nextAttemptAt()).isEqualTo(T0.plusSeconds(10)); // base 10 s, no jitter at 0.5
    assertThat(mail.lastError()).isEqualTo("421 try later");
    assertThat(all().get(1).state()).isEqualTo(State.DELIVERED);

    now = T0.plusSeconds(9);
    assertThat(d.runOnce()).isZero();
    now = T0.plusSeconds(10);
    assertThat(d.runOnce()).isEqualTo(1);
    mail = all().get(0);
    assertThat(mail.attempts()).isEqualTo(2);
    assertThat(mail.nextAttemptAt()).isEqualTo(now.plusSeconds(20)); // doubled
    now = now.plusSeconds(20);
    assertThat(d.runOnce()).isEqualTo(1);
    mail = all().get(0);
    assertThat(mail.state()).isEqualTo(State.DELIVERED);
    assertThat(mail.attempts()).isEqualTo(3);
    assertThat(email.sent).extracting(Message::address).containsOnly("ann@example.com");
    assertThat(email.sent).extracting(Message::idempotencyKey).containsOnly(mail.idempotencyKey());
    assertThat(email.sent.get(0).title()).isEqualTo("db <down> & \"out\"");

    assertThat(notificationLines(id)).containsExactly(
        "notifying email to ann failed after 0 ms (attempt 1 of 8): 421 try later;"
            + " retrying in 10 s",
        "notified webhook to ann: delivered in 7 ms (attempt 1 of 8)",
        "notifying email to ann failed after 0 ms (attempt 2 of 8): connection refused;"
            + " retrying in 20 s",
        "notified email to ann: delivered in 42 ms (attempt 3 of 8)");
    assertThat(notificationLines(id)).noneMatch(l -> l.contains(ANN_HOOK));
  }

  @Test
  void backoffDoublesUpToTheCapWithJitter() {
    Deliveries d = new Deliveries(store, Map.of(), u -> Optional.empty(), i -> Optional.empty(),
        clock, () -> 0.5, 8);
    assertThat(d.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.backoff(4)).isEqualTo(Duration.ofSeconds(80));
    assertThat(d.backoff(7)).isEqualTo(Duration.ofMinutes(10)); // 640 s capped
    Deliveries low = new Deliveries(store, Map.of(), u -> Optional.empty(),
        i -> Optional.empty(), clock, () -> 0.0, 8);
    assertThat(low.backoff(1)).isEqualTo(Duration.ofSeconds(8));
    Deliveries high = new Deliveries(store, Map.of(), u -> Optional.empty(),
        i -> Optional.empty(), clock, () -> 0.999, 8);
    assertThat(high.backoff(2)).isBetween(Duration.ofMillis(23_900), Duration.ofSeconds(24));
    assertThat(high.backoff(20)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void retryAfterOfTheReceiverIsHonoured() {
    page("ann");
    Deliveries d = deliveries(8, new FakeChannel(Type.EMAIL, new Delivery.Delivered(null)),
        new FakeChannel(Type.WEBHOOK, new Delivery.RetryLater("429", Duration.ofSeconds(90))));
    d.runOnce();
    assertThat(all().get(1).nextAttemptAt()).isEqualTo(T0.plusSeconds(90));
  }

  @Test
  void isDeadAfterTheMaximumOfAttempts() {
    long id = page("ann");
    FakeChannel always = new FakeChannel(Type.EMAIL, new Delivery.RetryLater("timeout", null));
    Deliveries d = deliveries(3, always, new FakeChannel(Type.WEBHOOK,
        new Delivery.Delivered(null)));
    for (int i = 0; i < 5; i++) {
      d.runOnce();
      now = now.plus(Deliveries.MAX_BACKOFF);
    }
    Notification mail = all().get(0);
    assertThat(mail.state()).isEqualTo(State.DEAD);
    assertThat(mail.attempts()).isEqualTo(3);
    assertThat(always.sent).hasSize(3);
    assertThat(mail.lastError()).isEqualTo("timeout");
    assertThat(notificationLines(id)).last().asString()
        .isEqualTo("notifying email to ann failed for good (attempt 3 of 3) after 0 ms: timeout");
    assertThat(store.list(new NotificationStore.Query(State.DEAD, id, 10)))
        .extracting(Notification::id).containsExactly(mail.id());
  }

  @Test
  void aPermanentFailureIsDeadAtOnceAndTheAddressNeverLands() {
    long id = page("ann");
    Deliveries d = deliveries(8, new FakeChannel(Type.EMAIL, new Delivery.Delivered(null)),
        new FakeChannel(Type.WEBHOOK, new Delivery.Failed("404 from " + ANN_HOOK)));
    d.runOnce();
    Notification hook = all().get(1);
    assertThat(hook.state()).isEqualTo(State.DEAD);
    assertThat(hook.attempts()).isEqualTo(1);
    assertThat(hook.lastError()).isEqualTo("404 from <address>");
    assertThat(notificationLines(id)).noneMatch(l -> l.contains(ANN_HOOK));
  }

  @Test
  void aTypeWithoutAChannelIsADeadLetter() {
    long id = page("sam");
    deliveries(8).runOnce();
    Notification sms = all().get(0);
    assertThat(sms.state()).isEqualTo(State.DEAD);
    assertThat(sms.lastError()).isEqualTo("no channel for type sms yet");
    assertThat(notificationLines(id)).noneMatch(l -> l.contains("+15550100"));
  }

  @Test
  void aCrashedWorkersRowIsClaimedAgainWhenItsLeaseEnds() {
    page("ann");
    List<Notification> first = store.claimDue(now, Duration.ofMinutes(2), 10);
    assertThat(first).hasSize(2);
    assertThat(store.claimDue(now.plusSeconds(119), Duration.ofMinutes(2), 10)).isEmpty();
    now = now.plusSeconds(120);
    List<Notification> again = store.claimDue(now, Duration.ofMinutes(2), 10);
    assertThat(again).extracting(Notification::attempts).containsOnly(2);
    // The first worker wakes up: its claim no longer holds, so its outcome is not recorded.
    assertThat(store.complete(first.get(0), State.DELIVERED, now, null, now, "k", "m")).isFalse();
    assertThat(store.complete(again.get(0), State.DELIVERED, now, null, now, "k", "m")).isTrue();
  }

  @Test
  void aDeadLetterCanBeRetriedOnlyWhenDead() {
    long id = page("sam");
    deliveries(8).runOnce();
    long dead = all().get(0).id();
    now = now.plusSeconds(60);
    assertThat(store.retry(dead, now, "ann")).isTrue();
    Notification n = store.find(dead).orElseThrow();
    assertThat(n.state()).isEqualTo(State.PENDING);
    assertThat(n.attempts()).isZero();
    assertThat(n.nextAttemptAt()).isEqualTo(now);
    assertThat(store.retry(dead, now, "ann")).isFalse();
    assertThat(store.retry(9999, now, "ann")).isFalse();
    assertThat(notificationLines(id)).last().asString()
        .isEqualTo("notification " + dead + " (sms to sam) requeued by ann");
  }

  /** Answers with the given outcomes in turn, repeating the last; records what it sent. */
  static final class FakeChannel implements Channel {
    final Type type;
    final Deque<Delivery> outcomes;
    final List<Message> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

    FakeChannel(Type type, Delivery... outcomes) {
      this.type = type;
      this.outcomes = new ArrayDeque<>(List.of(outcomes));
    }

    @Override
    public Type type() {
      return type;
    }

    @Override
    public synchronized Delivery send(Message message) {
      sent.add(message);
      return outcomes.size() > 1 ? outcomes.poll() : outcomes.peek();
    }
  }

  @Test
  void rulesDelayAMethodAndADelayedPageIsDroppedOnceAcknowledged() {
    long id = page("dee");
    List<Notification> rows = all();
    assertThat(rows).extracting(Notification::channel, Notification::nextAttemptAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Type.EMAIL, T0),
            org.assertj.core.groups.Tuple.tuple(Type.WEBHOOK, T0.plusSeconds(120)));
    assertThat(rows.get(1).idempotencyKey()).endsWith("-1-r1");
    FakeChannel email = new FakeChannel(Type.EMAIL, new Delivery.Delivered(Duration.ofMillis(3)));
    FakeChannel hook = new FakeChannel(Type.WEBHOOK, new Delivery.Delivered(Duration.ofMillis(3)));
    Deliveries d = deliveries(8, email, hook);
    assertThat(d.runOnce()).isEqualTo(1); // only the email is due
    assertThat(email.sent).hasSize(1);

    acknowledge(id);
    now = T0.plusSeconds(120);
    assertThat(d.runOnce()).isEqualTo(1);
    assertThat(hook.sent).isEmpty();
    Notification late = all().get(1);
    assertThat(late.state()).isEqualTo(State.CANCELLED);
    assertThat(notificationLines(id)).contains(
        "notification webhook to dee not sent: the incident was acknowledged first");
  }

  @Test
  void aDelayedRuleSendsWhenStillUnacknowledgedAndLowUrgencySkipsHighOnlyRules() {
    page("dee");
    long low = pageWith("low", "dee");
    FakeChannel email = new FakeChannel(Type.EMAIL, new Delivery.Delivered(Duration.ofMillis(3)));
    FakeChannel hook = new FakeChannel(Type.WEBHOOK, new Delivery.Delivered(Duration.ofMillis(3)));
    Deliveries d = deliveries(8, email, hook);
    now = T0.plusSeconds(120);
    d.runOnce();
    assertThat(hook.sent).hasSize(1);
    assertThat(email.sent).hasSize(2);
    assertThat(store.list(new NotificationStore.Query(null, low, 10)))
        .extracting(Notification::channel).containsExactly(Type.EMAIL);
  }

  @Test
  void quietHoursHoldLowUrgencyUntilMorningInTheUsersZoneButNeverHighUrgency() {
    // T0 is 03:00 UTC = 04:00 in Berlin: inside quinn's quiet hours.
    long low = pageWith("low", "quinn");
    long high = pageWith("high", "quinn");
    Notification held = store.list(new NotificationStore.Query(null, low, 10)).get(0);
    assertThat(held.nextAttemptAt()).isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
    assertThat(store.list(new NotificationStore.Query(null, high, 10)).get(0).nextAttemptAt())
        .isEqualTo(T0);
    assertThat(notificationLines(low)).containsExactly("low-urgency notifications to quinn held"
        + " until 07:00 Europe/Berlin (quiet hours 22:00–07:00)");
    FakeChannel email = new FakeChannel(Type.EMAIL, new Delivery.Delivered(Duration.ofMillis(3)),
        new Delivery.Delivered(Duration.ofMillis(3)));
    Deliveries d = deliveries(8, email);
    assertThat(d.runOnce()).isEqualTo(1);
    now = Instant.parse("2026-11-23T05:59:59Z");
    assertThat(d.runOnce()).isZero();
    now = Instant.parse("2026-11-23T06:00:00Z");
    assertThat(d.runOnce()).isEqualTo(1);
    assertThat(email.sent).extracting(Message::incidentId).containsExactly(high, low);
  }

  @Test
  void aStormIsSentAsOneDigestPerContactMethod() {
    storm = new StormControl(3, Duration.ofMinutes(10), Duration.ofMinutes(1));
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(page("ann"));
      now = now.plusSeconds(5);
    }
    List<Notification> rows = all();
    // 3 pages one by one (2 methods each); pages 4-6 held; one digest per method.
    assertThat(rows.stream().filter(n -> n.state() == State.PENDING
        && !n.kind().equals("digest"))).hasSize(6);
    assertThat(rows.stream().filter(n -> n.state() == State.HELD)).hasSize(6);
    List<Notification> digests = rows.stream().filter(n -> n.kind().equals("digest")).toList();
    assertThat(digests).extracting(Notification::channel)
        .containsExactlyInAnyOrder(Type.EMAIL, Type.WEBHOOK);
    assertThat(digests).allSatisfy(n -> assertThat(n.nextAttemptAt())
        .isEqualTo(T0.plusSeconds(15 + 60)));
    assertThat(notificationLines(ids.get(3))).containsExactly("notifications to ann held for a"
        + " digest: paged 4 times in the last 10 min (storm control threshold 3)");

    acknowledge(ids.get(4));
    FakeChannel email = new FakeChannel(Type.EMAIL, new Delivery.Delivered(Duration.ofMillis(1)));
    FakeChannel hook = new FakeChannel(Type.WEBHOOK, new Delivery.Delivered(Duration.ofMillis(1)));
    Deliveries d = deliveries(8, email, hook);
    assertThat(d.runOnce()).isEqualTo(6);
    now = T0.plusSeconds(75);
    assertThat(d.runOnce()).isEqualTo(2);
    assertThat(email.sent).hasSize(4);
    Message digest = email.sent.get(3);
    assertThat(digest.kind()).isEqualTo("digest");
    assertThat(digest.title()).isEqualTo("3 pages for ann across 3 incidents (storm control"
        + " digest)");
    assertThat(digest.summary()).contains("#" + ids.get(3) + " [triggered]",
        "#" + ids.get(4) + " [acknowledged]", "#" + ids.get(5) + " [triggered]");
    assertThat(all()).filteredOn(n -> n.state() == State.HELD).isEmpty();
    assertThat(all()).filteredOn(n -> n.state() == State.DIGESTED).hasSize(6)
        .allSatisfy(n -> assertThat(n.digestId()).isIn(digests.stream().map(Notification::id)
            .toList()));
    assertThat(notificationLines(ids.get(3))).contains(
        "notified email to ann (a digest of 3 pages): delivered in 1 ms (attempt 1 of 8)");
  }

  void acknowledge(long id) {
    incidents.inTransaction(tx -> {
      Incident i = tx.incident(id).orElseThrow();
      tx.update(new Incident(i.id(), i.service(), IncidentState.ACKNOWLEDGED, i.title(),
          i.severity(), i.groupKey(), i.openedAt(), now, "user:dee", null, null, null, null,
          i.priority(), i.urgency(), null, i.alertCount(), now));
      return null;
    });
  }
}
