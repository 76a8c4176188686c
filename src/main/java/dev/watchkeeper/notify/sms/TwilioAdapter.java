package dev.watchkeeper.notify.sms;

import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.net.Deliveries;
import dev.watchkeeper.notify.net.GuardedHttp;
import dev.watchkeeper.people.ContactMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SMS through Twilio's Messages API (and providers that copy it): {@code POST
 * <base>/2010-04-01/Accounts/<sid>/Messages.json}, form-encoded {@code To}, {@code From},
 * {@code Body}, HTTP Basic auth with the account SID and auth token, and the idempotency key in
 * {@code I-Twilio-Idempotency-Token}. The request passes the SSRF guard like every outgoing URL.
 * 2xx delivered; 429 and 5xx retried (with {@code Retry-After}); other 4xx (a bad number, bad
 * credentials) failed for good.
 */
public final class TwilioAdapter implements ProviderAdapter {
  public static final String DEFAULT_BASE_URL = "https://api.twilio.com";

  private final GuardedHttp http;
  private final String url;
  private final String authorization;
  private final String from;

  public TwilioAdapter(GuardedHttp http, String baseUrl, String accountSid, String authToken,
      String from) {
    this.http = http;
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.url = base + "/2010-04-01/Accounts/" + URLEncoder.encode(accountSid,
        StandardCharsets.UTF_8) + "/Messages.json";
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((accountSid + ":"
        + authToken).getBytes(StandardCharsets.UTF_8));
    this.from = from;
  }

  @Override
  public ContactMethod.Type type() {
    return ContactMethod.Type.SMS;
  }

  @Override
  public Delivery deliver(String to, String text, String idempotencyKey) {
    String form = "To=" + enc(to) + "&From=" + enc(from) + "&Body=" + enc(text);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    headers.put("Authorization", authorization);
    headers.put("I-Twilio-Idempotency-Token", idempotencyKey);
    return Deliveries.of(http.post(url, headers, form.getBytes(StandardCharsets.UTF_8)), "sms",
        http.clock());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TwilioAdapter[from=" + from + "]";
  }
}
