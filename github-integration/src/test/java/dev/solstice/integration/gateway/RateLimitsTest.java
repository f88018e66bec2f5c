package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private static MultiMap headers(String... kv) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1]);
    }
    return h;
  }

  @Test
  void aPrimaryLimitSetsAsideUntilTheResetMeasuredAgainstGitHubsDate() {
    // GitHub's clock is 100 s behind ours: the wait is reset - Date, added to our now.
    MultiMap h =
        headers(
            "x-ratelimit-remaining", "0",
            "x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 200),
            "date", "Mon, 07 Dec 2026 11:58:20 GMT");
    assertThat(RateLimits.limitedUntil(403, h, NOW)).contains(NOW.plusSeconds(300));
    // The last request of the hour succeeded: the next one would not.
    assertThat(RateLimits.limitedUntil(200, h, NOW)).contains(NOW.plusSeconds(300));
  }

  @Test
  void aSecondaryLimitSetsAsideForRetryAfter() {
    MultiMap h = headers("retry-after", "60", "x-ratelimit-remaining", "4000");
    assertThat(RateLimits.limitedUntil(403, h, NOW)).contains(NOW.plusSeconds(60));
    assertThat(RateLimits.limitedUntil(429, h, NOW)).contains(NOW.plusSeconds(60));
  }

  @Test
  void anAnswerWithQuotaLeftOrAnUnrelated403SetsNothingAside() {
    assertThat(RateLimits.limitedUntil(200, headers("x-ratelimit-remaining", "12"), NOW)).isEmpty();
    assertThat(RateLimits.limitedUntil(403, headers("x-ratelimit-remaining", "12"), NOW)).isEmpty();
    assertThat(RateLimits.limitedUntil(404, headers(), NOW)).isEmpty();
    assertThat(RateLimits.remaining(headers("x-ratelimit-remaining", "12"))).hasValue(12);
  }
}
