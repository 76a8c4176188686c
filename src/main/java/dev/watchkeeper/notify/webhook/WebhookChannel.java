package dev.watchkeeper.notify.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchkeeper.notify.Channel;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.net.Deliveries;
import dev.watchkeeper.notify.net.GuardedHttp;
import dev.watchkeeper.people.ContactMethod;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs a JSON description of the message to the contact method's URL, signed so the receiver
 * can tell it came from this server and is fresh:
 * {@code X-Watchkeeper-Signature: sha256=hex(HMAC-SHA256(secret, "<timestamp>.<body>"))} with
 * {@code X-Watchkeeper-Timestamp} in Unix seconds. {@code Idempotency-Key} lets the receiver
 * drop the duplicates that retries after a crash produce.
 *
 * <p>Threading: immutable; {@link #send} may run on several threads at once.
 */
public final class WebhookChannel implements Channel {

  static final String SIGNATURE = "X-Watchkeeper-Signature";
  static final String TIMESTAMP = "X-Watchkeeper-Timestamp";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Set<String> RESERVED = Set.of(SIGNATURE.toLowerCase(Locale.ROOT),
      TIMESTAMP.toLowerCase(Locale.ROOT), IDEMPOTENCY_KEY.toLowerCase(Locale.ROOT),
      "content-type", "content-length", "host", "connection", "transfer-encoding");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GuardedHttp http;
  private final byte[] signingSecret;
  private final Map<String, String> extraHeaders;

  /**
   * @param signingSecret key for the HMAC; not empty
   * @param extraHeaders sent with every request (e.g. an API key the receiver wants); may not
   *     replace the signature, timestamp, idempotency or framing headers
   */
  public WebhookChannel(GuardedHttp http, String signingSecret, Map<String, String> extraHeaders) {
    if (signingSecret == null || signingSecret.isEmpty()) {
      throw new IllegalArgumentException("notifications.webhook.signing_secret: must not be empty");
    }
    for (Map.Entry<String, String> h : extraHeaders.entrySet()) {
      if (RESERVED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "notifications.webhook.headers." + h.getKey() + ": set by Watchkeeper, cannot be overridden");
      }
    }
    this.http = http;
    this.signingSecret = signingSecret.getBytes(StandardCharsets.UTF_8);
    this.extraHeaders = Map.copyOf(extraHeaders);
  }

  @Override
  public ContactMethod.Type type() {
    return ContactMethod.Type.WEBHOOK;
  }

  @Override
  public Delivery send(Message message) {
    byte[] body = body(message);
    String timestamp = Long.toString(http.clock().instant().getEpochSecond());
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("Content-Type", "application/json");
    headers.put(TIMESTAMP, timestamp);
    headers.put(SIGNATURE, "sha256=" + sign(signingSecret, timestamp, body));
    headers.put(IDEMPOTENCY_KEY, message.idempotencyKey());
    return Deliveries.of(http.post(message.address(), headers, body), "webhook", http.clock());
  }

  /** The JSON body: the message's facts, without its address. */
  static byte[] body(Message m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("kind", m.kind());
    root.put("idempotency_key", m.idempotencyKey());
    root.put("at", m.at() == null ? null : m.at().toString());
    root.put("user_id", m.userId());
    ObjectNode incident = root.putObject("incident");
    incident.put("id", m.incidentId());
    incident.put("title", m.title());
    incident.put("summary", m.summary());
    incident.put("service", m.service());
    incident.put("severity", m.severity());
    incident.put("urgency", m.urgency());
    incident.put("url", m.incidentUrl());
    ObjectNode links = root.putObject("links");
    links.put("incident", m.incidentUrl());
    links.put("acknowledge", m.ackUrl());
    links.put("resolve", m.resolveUrl());
    ObjectNode fields = root.putObject("fields");
    new java.util.TreeMap<>(m.fields()).forEach(fields::put);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write webhook body", e); // a tree always serialises
    }
  }

  /** Hex HMAC-SHA256 over {@code "<timestamp>.<body>"}; what receivers recompute. */
  static String sign(byte[] secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e); // every JDK has it
    }
  }

  @Override
  public String toString() {
    return "WebhookChannel[extraHeaders=" + extraHeaders.keySet() + "]";
  }
}
