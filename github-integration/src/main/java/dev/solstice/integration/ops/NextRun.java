package dev.solstice.integration.ops;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The pending timer of a job that schedules its own next run (each run decides how long until the
 * next), and the stop that cancels it: once stopped, nothing is scheduled any more.
 */
public final class NextRun {

  private final Vertx vertx;
  private long timer = -1;
  private boolean stopped;

  public NextRun(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Runs {@code run} after {@code delay} (a millisecond at least), unless stopped. */
  public synchronized void after(Duration delay, Runnable run) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> run.run());
    }
  }

  public synchronized boolean stopped() {
    return stopped;
  }

  /** Cancels the pending run; later {@link #after} calls do nothing. */
  public synchronized void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
