package dev.watchkeeper.alert;

import dev.watchkeeper.event.Event;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert's identity within its service: the sender's dedup key when given; otherwise a hash of
 * the sorted labels (like Alertmanager), or of source and type when there are no labels.
 */
public final class Fingerprint {
  private Fingerprint() {}

  public static String of(Event e) {
    if (e.dedupKey() != null && !e.dedupKey().isEmpty()) {
      return e.dedupKey();
    }
    StringBuilder sb = new StringBuilder();
    if (e.labels().isEmpty()) {
      sb.append("source\u0000").append(e.source()).append('\u0001')
          .append("type\u0000").append(e.type());
    } else {
      for (Map.Entry<String, String> l : new TreeMap<>(e.labels()).entrySet()) {
        sb.append(l.getKey()).append('\u0000').append(l.getValue()).append('\u0001');
      }
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return "fp:" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
    }
  }
}
