package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.MalformedJsonException;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Locale;

/** Small JSON request bodies of the people and access endpoints; every problem a 400. */
final class JsonBody {
  static final int MAX_BYTES = 16 * 1024;

  private JsonBody() {}

  static JsonNode object(Context ctx, ObjectMapper mapper) {
    try {
      JsonNode n = EventParser.readTree(mapper, Bodies.read(ctx, MAX_BYTES));
      if (n == null || !n.isObject()) {
        throw ApiException.badRequest("expected a JSON object");
      }
      return n;
    } catch (MalformedJsonException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /** A string field, or null when absent or JSON null; 400 when of another type. */
  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(field + ": must be a string");
    }
    return v.textValue();
  }

  static String required(JsonNode body, String field) {
    String v = text(body, field);
    if (v == null || v.isBlank()) {
      throw ApiException.badRequest(field + ": required, a non-empty string");
    }
    return v;
  }

  static Role role(String field, String value) {
    try {
      return Role.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field + ": must be one of " + String.join(", ",
          Arrays.stream(Role.values()).map(Auth::name).toList()) + "; got \"" + value + "\"");
    }
  }
}
