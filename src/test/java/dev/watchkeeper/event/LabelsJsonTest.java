package dev.watchkeeper.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsJsonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writesTheSameTextAsTheObjectMapperAndReadsBack() throws Exception {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", "DiskFull");
    labels.put("quote\"key", "back\\slash \"quoted\"");
    labels.put("ctl", "tab\tnewline\n\u0001 bell");
    labels.put("unicode", "żółw 🐢 \u2028");
    labels.put("empty", "");

    String text = LabelsJson.of(labels);

    assertThat(text).isEqualTo(JSON.writeValueAsString(labels));
    assertThat(JSON.readValue(text, Map.class)).isEqualTo(labels);
  }

  @Test
  void noLabelsAreStoredAsNull() {
    assertThat(LabelsJson.of(Map.of())).isNull();
  }

  @Test
  void aBatchCarriesOneLabelsTextPerEvent() {
    Event with = new Event("1", "s", "t", java.time.Instant.EPOCH, null, null, null,
        Map.of("a", "b"), null);
    Event without = new Event("2", "s", "t", java.time.Instant.EPOCH, null, null, null,
        Map.of(), null);
    IngestBatch b = new IngestBatch("r", "svc", "k", null, java.time.Instant.EPOCH,
        java.util.List.of(with, without));

    assertThat(b.labelsJson()).containsExactly("{\"a\":\"b\"}", null);
  }
}
