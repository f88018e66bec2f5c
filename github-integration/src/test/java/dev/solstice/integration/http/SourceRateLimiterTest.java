package dev.solstice.integration.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock implements TimeMeter {
    long nanos = Duration.ofHours(1).toNanos();

    void advance(Duration d) {
      nanos += d.toNanos();
    }

    @Override
    public long currentTimeNanos() {
      return nanos;
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final SourceRateLimiter limiter =
      new SourceRateLimiter(6, new ClientAddress(Cidrs.NONE), clock);

  private long admitted(String source, int requests) {
    return IntStream.range(0, requests).filter(i -> limiter.secondsToWait(source) == 0).count();
  }

  @Test
  void aBurstGetsTheLimitAndTheNextRequestIsToldWhenToComeBack() {
    assertThat(admitted("203.0.113.1", 6)).isEqualTo(6);
    // 6 a minute: one token every 10 s.
    assertThat(limiter.secondsToWait("203.0.113.1")).isEqualTo(10);
    clock.advance(Duration.ofSeconds(4));
    assertThat(limiter.secondsToWait("203.0.113.1")).isEqualTo(6);
  }

  @Test
  void aBurstAcrossAMinuteBoundaryGetsNoSecondAllowance() {
    // The fixed clock-minute window this replaced admitted 6 at :59.9 and 6 more at :00.1.
    assertThat(admitted("203.0.113.1", 6)).isEqualTo(6);
    clock.advance(Duration.ofMillis(200));
    assertThat(admitted("203.0.113.1", 6)).isZero();
  }

  @Test
  void theBucketRefillsAtTheLimitsRate() {
    assertThat(admitted("203.0.113.1", 6)).isEqualTo(6);
    clock.advance(Duration.ofSeconds(30));
    assertThat(admitted("203.0.113.1", 6)).isEqualTo(3);
    clock.advance(Duration.ofMinutes(5));
    assertThat(admitted("203.0.113.1", 10)).as("never more than a full bucket").isEqualTo(6);
  }

  @Test
  void eachSourceHasItsOwnBucket() {
    assertThat(admitted("203.0.113.1", 8)).isEqualTo(6);
    assertThat(admitted("198.51.100.7", 8)).isEqualTo(6);
  }
}
