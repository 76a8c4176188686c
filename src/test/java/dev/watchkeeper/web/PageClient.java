package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without JavaScript for the page tests: logs in with the form, reads pages with the
 * session cookie and posts forms (url-encoded, like a browser).
 */
final class PageClient {
  private final AccessFixture f;

  PageClient(AccessFixture f) {
    this.f = f;
  }

  /** Logs in through the form; returns the session cookie. */
  String login(String name) throws Exception {
    HttpResponse<String> r = f.send("POST", "/login", null,
        "name=" + name + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
            + "&next=%2Fincidents",
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    return AccessFixture.sessionCookie(r);
  }

  HttpResponse<String> get(String path, String cookie) throws Exception {
    return f.send("GET", path, null, null, cookie == null ? Map.of() : Map.of("Cookie", cookie));
  }

  /** Posts {@code fields} (url-encoded here) with the cookie and nothing else. */
  HttpResponse<String> post(String path, String cookie, Map<String, String> fields)
      throws Exception {
    return f.send("POST", path, null, encode(fields), Map.of("Cookie", cookie,
        "Content-Type", "application/x-www-form-urlencoded"));
  }

  /** Posts {@code fields} plus the CSRF token of the page at {@code from}. */
  HttpResponse<String> submit(String from, String path, String cookie, String... fields)
      throws Exception {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("csrf_token", csrfOf(get(from, cookie).body()));
    for (int i = 0; i + 1 < fields.length; i += 2) {
      all.put(fields[i], fields[i + 1]);
    }
    return post(path, cookie, all);
  }

  static String encode(Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    fields.forEach((k, v) -> {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return b.toString();
  }

  static String csrfOf(String html) {
    Matcher m = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"").matcher(html);
    assertThat(m.find()).as("a CSRF field in the page").isTrue();
    return m.group(1);
  }

  /** 303 to {@code location}. */
  static void assertSeeOther(HttpResponse<String> r, String location) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains(location);
  }
}
