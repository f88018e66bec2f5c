package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pacing arithmetic: GitHub's 80 writes a minute and 500 an hour, and the gap. */
class WriteWindowTest {
  static final long MIN = 60_000;
  static final long HOUR = 3_600_000;

  @Test
  void eightyPerMinuteThenWaitForTheOldestToLeaveTheWindow() {
    WriteWindow w = new WriteWindow(PacingPolicy.defaults());
    long t = 1_000_000;
    for (int i = 0; i < 80; i++) {
      assertThat(w.earliestStart(t + i)).isEqualTo(t + i);
      w.started(t + i);
      w.finished(t + i);
    }
    // the 81st waits until the first start is a minute old
    assertThat(w.earliestStart(t + 80)).isEqualTo(t + MIN);
  }

  @Test
  void fiveHundredPerHour() {
    WriteWindow w = new WriteWindow(PacingPolicy.defaults());
    long t = 0;
    for (int i = 0; i < 500; i++) {
      long at = w.earliestStart(t);
      w.started(at);
      w.finished(at);
      t = at;
    }
    // 80 a minute: six full minutes of bursts, the last 20 start at minute 6
    assertThat(t).isEqualTo(6 * MIN);
    // the 501st waits until the first write is an hour old
    assertThat(w.earliestStart(t)).isEqualTo(HOUR);
  }

  @Test
  void minimumGapCountsFromTheEndOfThePreviousWrite() {
    WriteWindow w = new WriteWindow(new PacingPolicy(80, 500, Duration.ofSeconds(1), 8));
    w.started(0);
    w.finished(300);
    assertThat(w.earliestStart(400)).isEqualTo(1_300);
    assertThat(w.earliestStart(2_000)).isEqualTo(2_000);
  }
}
