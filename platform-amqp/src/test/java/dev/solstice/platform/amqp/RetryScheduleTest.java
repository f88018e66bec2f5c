package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

  private final RetrySchedule schedule =
      new RetrySchedule(
          List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2)), 4);

  @Test
  void theDelayBeforeEachAttemptComesFromTheListAndTheLastOneRepeats() {
    assertThat(schedule.delayBefore(2)).isEqualTo(Duration.ofSeconds(5));
    assertThat(schedule.delayBefore(3)).isEqualTo(Duration.ofSeconds(30));
    assertThat(schedule.delayBefore(4)).isEqualTo(Duration.ofMinutes(2));
    assertThat(schedule.delayBefore(9)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aMinimumDelayPicksTheShortestDeclaredDelayLongEnoughElseTheLongest() {
    assertThat(schedule.delayBefore(2, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
    assertThat(schedule.delayBefore(2, Duration.ofSeconds(6))).isEqualTo(Duration.ofSeconds(30));
    assertThat(schedule.delayBefore(2, Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(2));
    assertThat(schedule.delayBefore(3, null)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void attemptsStopAtTheMaximum() {
    assertThat(schedule.allowsAnotherAfter(3)).isTrue();
    assertThat(schedule.allowsAnotherAfter(4)).isFalse();
  }

  @Test
  void rejectsSchedulesNoDelayQueueCouldServe() {
    assertThatThrownBy(() -> new RetrySchedule(List.of(), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ZERO), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofSeconds(1)), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
