package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incidents page in pages of 50, newest first, through cursors (API tokens work too). */
class IncidentListPagingTest {
  @TempDir Path dir;

  @Test
  void olderPagesFollowTheCursorAndKeepTheFilters() throws Exception {
    TestServer server = new TestServer(dir, """
          - id: many
            grouping: {by: [n]}
            integration_keys: [{name: k, key_sha256: %s}]
        """.formatted(Credentials.sha256("many-key-1234567")));
    try {
      for (int from = 0; from < 55; from += 11) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = from; i < from + 11; i++) {
          batch.append(i > from ? "," : "").append("{\"source\":\"s\",\"type\":\"t\","
              + "\"severity\":\"critical\",\"dedup_key\":\"k" + i + "\",\"summary\":\"number "
              + i + "\",\"labels\":{\"n\":\"" + i + "\"}}");
        }
        assertThat(server.post("/api/v1/events", "many-key-1234567", batch + "]").statusCode())
            .isEqualTo(202);
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(json(
          server.get("/api/v1/incidents?service=many&limit=100", TestServer.VIEWER))
          .get("incidents")).hasSize(55));
      String first = server.get("/incidents?service=many&state=triggered", TestServer.VIEWER)
          .body();
      assertThat(Pattern.compile("<tr data-id=").matcher(first).results().count())
          .isEqualTo(50);
      Matcher older = Pattern.compile("href=\"(/incidents\\?[^\"]+)\" rel=\"next\"")
          .matcher(first);
      assertThat(older.find()).as("an Older link").isTrue();
      String next = older.group(1).replace("&amp;", "&");
      assertThat(next).contains("state=triggered", "service=many", "cursor=");
      String second = server.get(next, TestServer.VIEWER).body();
      assertThat(Pattern.compile("<tr data-id=").matcher(second).results().count()).isEqualTo(5);
      assertThat(second).contains("number 0<", "href=\"/incidents\">Newest")
          .doesNotContain("rel=\"next\"");
    } finally {
      server.close();
    }
  }
}
