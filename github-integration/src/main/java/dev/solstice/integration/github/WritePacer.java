package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayDeque;
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
    return lanes.computeIfAbsent(installation, k -> new Lane()).submit(task);
  }

  private final class Lane {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final WriteWindow window = new WriteWindow(policy);
    private boolean busy;

    <T> Future<T> submit(Supplier<Future<T>> task) {
      Promise<T> promise = Promise.promise();
      Runnable job =
          () -> {
            Future<T> f;
            try {
              f = task.get();
            } catch (RuntimeException e) {
              f = Future.failedFuture(e);
            }
            f.onComplete(
                ar -> {
                  synchronized (this) {
                    window.finished(clock.millis());
                  }
                  promise.handle(ar);
                  next();
                });
          };
      synchronized (this) {
        queue.add(job);
        if (busy) {
          return promise.future();
        }
        busy = true;
      }
      next();
      return promise.future();
    }

    private void next() {
      Runnable job;
      long delay;
      synchronized (this) {
        job = queue.poll();
        if (job == null) {
          busy = false;
          return;
        }
        long now = clock.millis();
        long at = window.earliestStart(now);
        delay = Math.max(0, at - now);
        window.started(now + delay);
      }
      if (delay == 0) {
        job.run();
      } else {
        vertx.setTimer(delay, id -> job.run());
      }
    }
  }
}
