package dev.solstice.integration.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.platform.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MissedDeliverySettingsTest {

  @Test
  void offByDefaultWithDefaults() {
    EnvReader in = new EnvReader(Map.of());
    MissedDeliverySettings s = MissedDeliverySettings.fromEnv(in, false);
    assertThat(in.errors()).isEmpty();
    assertThat(s.enabled()).isFalse();
    assertThat(s.interval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.lookback()).isEqualTo(Duration.ofHours(6));
    assertThat(s.maxRedeliveries()).isEqualTo(3);
    assertThat(s.maxPages()).isEqualTo(50);
  }

  @Test
  void everyWrongValueIsNamed() {
    EnvReader in =
        new EnvReader(
            Map.of(
                "MISSED_DELIVERIES",
                "true",
                "MISSED_DELIVERIES_INTERVAL",
                "2d",
                "MISSED_DELIVERIES_LOOKBACK",
                "4d",
                "MISSED_DELIVERIES_MAX_REDELIVERIES",
                "0",
                "MISSED_DELIVERIES_MAX_PAGES",
                "lots"));
    MissedDeliverySettings.fromEnv(in, false);
    assertThat(in.errors()).hasSize(5);
    assertThat(in.errors().get(0)).startsWith("MISSED_DELIVERIES_INTERVAL: ").contains("3 days");
    assertThat(in.errors())
        .anySatisfy(e -> assertThat(e).startsWith("MISSED_DELIVERIES_LOOKBACK: "));
    assertThat(in.errors())
        .anySatisfy(e -> assertThat(e).startsWith("MISSED_DELIVERIES_MAX_REDELIVERIES: "));
    assertThat(in.errors())
        .anySatisfy(e -> assertThat(e).startsWith("MISSED_DELIVERIES_MAX_PAGES: "));
    assertThat(in.errors())
        .anySatisfy(e -> assertThat(e).startsWith("MISSED_DELIVERIES: needs a GitHub App"));
  }

  @Test
  void onWithAnApp() {
    EnvReader in =
        new EnvReader(Map.of("MISSED_DELIVERIES", "yes", "MISSED_DELIVERIES_INTERVAL", "15m"));
    MissedDeliverySettings s = MissedDeliverySettings.fromEnv(in, true);
    assertThat(in.errors()).isEmpty();
    assertThat(s.enabled()).isTrue();
    assertThat(s.interval()).isEqualTo(Duration.ofMinutes(15));
  }
}
