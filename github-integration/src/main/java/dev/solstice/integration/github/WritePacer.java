package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises mutating requests per installation and starts them no faster than {@link PacingPolicy}
 * allows (sliding minute and hour windows plus a minimum gap, see {@link WriteWindow}). A burst is
 * turned into a queue, never into a burst at GitHub. With a shared {@link WriteBudget} (Redis),
 * each write also waits for the start time the budget reserved for it, so all replicas together
 * keep the limits; without one, this process assumes it is the only replica.
 */
final class WritePacer {
  private static final Logger LOG = LoggerFactory.getLogger(WritePacer.class);
  private final Vertx vertx;
  private final PacingPolicy policy;
  private final Clock clock;
  private final WriteBudget shared;
  private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();

  /**
   * @param shared the budget all replicas share; null for this process's own windows only
   */
  WritePacer(Vertx vertx, PacingPolicy policy, Clock clock, WriteBudget shared) {
    this.vertx = vertx;
    this.policy = policy;
    this.clock = clock;
    this.shared = shared;
  }

  <T> Future<T> submit(String installation, Supplier<Future<T>> task) {
    Lane lane = lanes.computeIfAbsent(installation, k -> new Lane());
    return lane.serial.run(() -> lane.paced(installation, task));
  }

  /**
   * When a write of {@code installation} submitted now would about start (epoch ms): after the
   * writes already queued here (each counted at the per-minute rate), within this process's window
   * and the shared budget. An estimate for the intake's set-aside decision, reserving nothing.
   */
  Future<Long> writableAt(String installation) {
    long now = clock.millis();
    Lane lane = lanes.get(installation);
    long local = now;
    if (lane != null) {
      synchronized (lane) {
        local = Math.max(now, lane.window.earliestStart(now));
      }
      local += lane.serial.pending() * (60_000L / policy.writesPerMinute());
    }
    long floor = local;
    if (shared == null) {
      return Future.succeededFuture(floor);
    }
    return shared
        .nextStart(installation, now)
        .map(at -> Math.max(floor, at + (floor - now)))
        .otherwise(floor);
  }

  /** One installation's writes: one at a time, in order, each started when the window allows. */
  private final class Lane {
    private final AsyncLimiter serial = new AsyncLimiter(1);
    private final WriteWindow window = new WriteWindow(policy);

    <T> Future<T> paced(String installation, Supplier<Future<T>> task) {
      long start;
      synchronized (this) {
        long now = clock.millis();
        start = window.earliestStart(now);
        window.started(start);
      }
      Future<T> done = startAt(installation, start).compose(v -> AsyncLimiter.attempt(task));
      return done.onComplete(
          ar -> {
            synchronized (this) {
              window.finished(clock.millis());
            }
          });
    }
  }

  /**
   * Completes when the write may start: at {@code start}, or later if the shared budget says so.
   */
  private Future<Void> startAt(String installation, long start) {
    Future<Long> reserved =
        shared == null
            ? Future.succeededFuture(start)
            : shared
                .reserve(installation, start)
                .otherwise(
                    e -> {
                      LOG.warn(
                          "Shared write budget unavailable ({}); pacing installation {} in this"
                              + " process only",
                          e.toString(),
                          installation);
                      return start;
                    });
    return reserved.compose(
        at -> {
          long delay = at - clock.millis();
          return delay <= 0 ? Future.succeededFuture() : vertx.timer(delay).<Void>mapEmpty();
        });
  }
}
