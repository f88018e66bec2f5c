package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.ops.LogContext;
import dev.solstice.integration.record.DeliveryEntry;
import dev.solstice.platform.amqp.FailurePolicy;
import dev.solstice.platform.amqp.RetryRoute;
import dev.solstice.platform.amqp.RetrySchedule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the installation lanes (issue 14): each of {@code workers} loops takes the turn of the
 * lane that has waited longest for its ready time, carries out that lane's head (one delivery per
 * turn: round-robin across installations), then puts the lane back with the time its installation
 * can next write. A failed head leaves the lane as a failed intake attempt would leave the queue:
 * to the intake's delay queue with its attempt counted, or parked in the dead-letter queue after
 * the last one.
 */
public final class LaneWorker {
  private static final Logger LOG = LoggerFactory.getLogger(LaneWorker.class);

  private final Vertx vertx;
  private final FairShare fair;
  private final DeliveryProcessor processor;
  private final RetryRoute route;
  private final RetrySchedule schedule;
  private final FailurePolicy policy;
  private final LaneMeters meters;
  private final IntakeMetrics intakeMetrics;
  private final Clock clock;
  private final int workers;
  private final long pollMs;
  private volatile boolean stopped;
  private long depthTimer = -1;

  public LaneWorker(
      Vertx vertx,
      FairShare fair,
      DeliveryProcessor processor,
      RetryRoute route,
      RetrySchedule schedule,
      FailurePolicy policy,
      LaneMeters meters,
      IntakeMetrics intakeMetrics,
      Clock clock,
      int workers,
      Duration poll) {
    this.intakeMetrics = intakeMetrics;
    this.vertx = vertx;
    this.fair = fair;
    this.processor = processor;
    this.route = route;
    this.schedule = schedule;
    this.policy = policy;
    this.meters = meters;
    this.clock = clock;
    this.workers = workers;
    this.pollMs = Math.max(10, poll.toMillis());
  }

  public void start() {
    for (int i = 0; i < workers; i++) {
      vertx.runOnContext(v -> loop());
    }
    depthTimer = vertx.setPeriodic(5_000, id -> readDepths());
  }

  public void stop() {
    stopped = true;
    if (depthTimer >= 0) {
      vertx.cancelTimer(depthTimer);
    }
  }

  private void loop() {
    if (stopped) {
      return;
    }
    fair.lanes()
        .nextTurn(clock.millis())
        .onComplete(
            ar -> {
              if (ar.failed() || ar.result() == null) {
                vertx.setTimer(pollMs, id -> loop());
              } else {
                InstallationLanes.Turn turn = ar.result();
                serve(turn)
                    .onComplete(
                        x -> {
                          if (x.failed()) {
                            LOG.warn(
                                "lane turn of installation {} did not end cleanly: {}",
                                turn.installation(),
                                x.cause().toString());
                          }
                          loop();
                        });
              }
            });
  }

  private Future<Void> serve(InstallationLanes.Turn turn) {
    WebhookDelivery d = turn.head();
    if (fair.busyHere(turn.installation())) {
      return turn.giveBack(clock.millis() + pollMs);
    }
    if (d.body() == null || d.event() == null) {
      LOG.error(
          "lane entry {} of installation {} unreadable; dropped",
          d.deliveryId(),
          turn.installation());
      return turn.finish(clock.millis());
    }
    return processor
        .processFromLane(d)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                meters.turn(
                    ar.result() == DeliveryProcessor.Outcome.SUPERSEDED ? "superseded" : "served");
                LogContext.with(
                    d.deliveryId(),
                    d.event(),
                    null,
                    () -> LOG.info("delivery processed from its lane: {}", ar.result()));
                return fair.readyAt(turn.installation()).compose(turn::finish);
              }
              meters.turn("failed");
              return reschedule(d, ar.cause())
                  .compose(v -> turn.finish(clock.millis()))
                  .recover(
                      e -> {
                        LOG.warn(
                            "lane entry {} failed and could not be rescheduled ({}); kept in its"
                                + " lane",
                            d.deliveryId(),
                            e.toString());
                        return turn.giveBack(clock.millis() + schedule.delayBefore(2).toMillis());
                      });
            });
  }

  /** As the intake consumer does with a failed message: retry after a delay, or park. */
  private Future<Void> reschedule(WebhookDelivery d, Throwable error) {
    FailurePolicy.Verdict verdict = policy.judge(error);
    int attempt = d.attempt();
    boolean retry = verdict.retryable() && schedule.allowsAnotherAfter(attempt);
    LogContext.with(
        d.deliveryId(),
        d.event(),
        null,
        () ->
            LOG.warn(
                "delivery from its lane failed (attempt {} of {}), {}: {}",
                attempt,
                schedule.maxAttempts(),
                retry ? "retrying later" : "parked",
                verdict.reason()));
    intakeMetrics.failed(d.event(), retry ? "retry" : "parked");
    processor.failed(
        d,
        retry ? DeliveryEntry.Outcome.FAILED : DeliveryEntry.Outcome.PARKED,
        verdict.reason(),
        attempt);
    var props = IntakeMessages.properties(d, null);
    return retry
        ? route.retryAfter(
            props,
            d.body(),
            attempt,
            schedule.delayBefore(attempt + 1, verdict.minimumDelay().orElse(null)),
            verdict.reason())
        : route.park(props, d.body(), attempt, verdict.reason());
  }

  private void readDepths() {
    InstallationLanes lanes = fair.lanes();
    lanes
        .deepest(LaneMeters.TOP)
        .compose(
            top ->
                lanes
                    .lanes()
                    .map(
                        n -> {
                          meters.depths(top, n);
                          return n;
                        }));
  }
}
