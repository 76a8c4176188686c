package dev.watchkeeper.web;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** Stored JSON text written into a response as-is (it was valid JSON when stored). */
record RawJson(String json) {
  @JsonValue
  @JsonRawValue
  public String json() {
    return json;
  }
}
