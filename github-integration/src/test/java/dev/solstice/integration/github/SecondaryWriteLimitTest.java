package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.SecondaryWriteLimit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The simulator's secondary write limit refuses what GitHub would (FairnessIT relies on it). */
class SecondaryWriteLimitTest {

  @Test
  void refusesTheWriteBeyondTheLimitInASlidingWindowPerInstallation() {
    SecondaryWriteLimit limit = new SecondaryWriteLimit(80, Duration.ofMinutes(1));
    Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
    for (int i = 0; i < 80; i++) {
      assertThat(limit.admit(1, t0.plusMillis(i * 100L))).isTrue();
    }
    assertThat(limit.admit(1, t0.plusSeconds(59))).isFalse();
    assertThat(limit.admit(2, t0.plusSeconds(59))).isTrue(); // another installation
    assertThat(limit.admit(1, t0.plusSeconds(60))).isTrue(); // the first write left the window
    assertThat(limit.refused()).isEqualTo(1);
  }
}
