package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Serialises mutating requests per installation and starts them no faster than {@link PacingPolicy}
 * allows (sliding minute and hour windows plus a minimum gap, see {@link WriteWindow}). A burst is
 * turned into a queue, never into a burst at GitHub.
 */
final class WritePacer {
  private final Vertx vertx;
  private final PacingPolicy policy;
  private final Clock clock;
  private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();

  WritePacer(Vertx vertx, PacingPolicy policy, Clock clock) {
    this.vertx = vertx;
    this.policy = policy;
    this.clock = clock;
  }

  <T> Future<T> submit(String installation, Supplier<Future<T>> task) {
    Lane lane = lanes.computeIfAbsent(installation, k -> new Lane());
    return lane.serial.run(() -> lane.paced(task));
  }

  /** One installation's writes: one at a time, in order, each started when the window allows. */
  private final class Lane {
    private final AsyncLimiter serial = new AsyncLimiter(1);
    private final WriteWindow window = new WriteWindow(policy);

    <T> Future<T> paced(Supplier<Future<T>> task) {
      long delay;
      synchronized (this) {
        long now = clock.millis();
        delay = Math.max(0, window.earliestStart(now) - now);
        window.started(now + delay);
      }
      Future<T> done;
      if (delay == 0) {
        done = AsyncLimiter.attempt(task);
      } else {
        Promise<Void> due = Promise.promise();
        vertx.setTimer(delay, id -> due.complete());
        done = due.future().compose(v -> AsyncLimiter.attempt(task));
      }
      return done.onComplete(
          ar -> {
            synchronized (this) {
              window.finished(clock.millis());
            }
          });
    }
  }
}
