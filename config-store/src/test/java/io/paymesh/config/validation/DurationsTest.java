package io.paymesh.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parse_whenDocumentNotation_returnsDuration() {
    assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(Durations.parse("2s")).contains(Duration.ofSeconds(2));
    assertThat(Durations.parse("1m")).contains(Duration.ofMinutes(1));
    assertThat(Durations.parse("0s")).contains(Duration.ZERO);
  }

  @Test
  void parse_whenAnythingElse_returnsEmpty() {
    for (String bad : List.of("", "1", "1h", "1.5s", "-1s", "+1s", " 1s", "1 s", "1S", "PT1S", "1000000000ms")) {
      assertThat(Durations.parse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void format_returnsShortestExactForm() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void parseSetting_acceptsWholeHoursAndEverythingParseDoes() {
    assertThat(Durations.parseSetting("24h")).contains(Duration.ofHours(24));
    assertThat(Durations.parseSetting("15m")).contains(Duration.ofMinutes(15));
    assertThat(Durations.parseSetting("1.5h")).isEmpty();
    assertThat(Durations.parseSetting("h")).isEmpty();
  }
}
