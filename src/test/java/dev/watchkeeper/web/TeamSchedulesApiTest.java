package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule belongs to the teams whose services page it: only their responders override it or
 * get its feed URL, and only responders of a person's teams get that person's feed URL.
 */
class TeamSchedulesApiTest {
  @TempDir Path dir;
  AccessFixture f;
  String payResponder;
  String batchAdmin;

  @BeforeEach
  void start() throws Exception {
    f = new AccessFixture(dir);
    payResponder = f.token("pay-responder", "payments-team", "responder");
    batchAdmin = f.token("batch-admin", "batch-team", "admin");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private HttpResponse<String> override(String token) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    return f.send("POST", "/api/v1/schedules/pay/overrides", token, """
        {"role":"primary","user":"erin","start":"%s","end":"%s"}"""
        .formatted(start, start.plus(Duration.ofHours(2))), Map.of());
  }

  @Test
  void onlyTheTeamsPagedByTheScheduleOverrideIt() throws Exception {
    HttpResponse<String> other = override(batchAdmin);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(json(other).get("message").asText()).isEqualTo("token:batch-admin has admin on"
        + " batch-team; this needs responder on a team whose services page schedule"
        + " \"pay\" (payments-team)");
    HttpResponse<String> own = override(payResponder);
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    String oid = json(own).get("id").asText();
    assertThat(f.send("DELETE", "/api/v1/schedules/pay/overrides/" + oid, batchAdmin,
        null, Map.of()).statusCode()).isEqualTo(403);
    assertThat(f.send("DELETE", "/api/v1/schedules/pay/overrides/" + oid, payResponder,
        null, Map.of()).statusCode()).isEqualTo(200);
    // Everyone may still read who is on call: that is the contact sheet.
    assertThat(f.server.get("/api/v1/schedules/pay", batchAdmin).statusCode())
        .isEqualTo(200);
  }

  @Test
  void feedUrlsAreForTheResponsiblesTeamsOnly() throws Exception {
    assertThat(json(f.server.get("/api/v1/schedules/pay", payResponder))
        .get("ical_url").asText()).contains("/ical/schedules/");
    assertThat(json(f.server.get("/api/v1/schedules/pay", batchAdmin))
        .hasNonNull("ical_url")).isFalse();
    assertThat(json(f.server.get("/api/v1/users/carol/ical", payResponder))
        .get("ical_url").asText()).contains("/ical/users/");
    HttpResponse<String> other = f.server.get("/api/v1/users/carol/ical", batchAdmin);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(json(other).get("message").asText()).isEqualTo("token:batch-admin has admin on"
        + " batch-team; this needs responder on a team of user \"carol\" (payments-team)");
  }
}
