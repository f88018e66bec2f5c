package dev.solstice.integration.intake;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.planning.Jobs;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before a delivery is planned, whether it is carried out now or set aside in its
 * installation's lane (issue 14, fairness): an installation whose writes could not start within
 * {@code bound} (its write budget, shared by all replicas, or a primary rate-limit reset), or whose
 * lane already holds deliveries, or whose turn another replica holds, does not keep an intake slot
 * waiting. Setting aside writes a safety copy to the intake's delay queue first (confirmed), then
 * the lane entry; only then is the intake message acked. So a crash between the two redelivers the
 * message (found in the lane, or set aside again), and a lost lane (Redis lost, or the process's
 * memory without Redis) is made good by the copy coming back: the ledger or the lane says whether
 * it still has work to do.
 */
public final class FairShare {
  private static final Logger LOG = LoggerFactory.getLogger(FairShare.class);

  /** Header of a safety copy; its value is the time it was written. */
  public static final String SAFETY_COPY_HEADER = "x-solstice-set-aside";

  /** Writes the safety copy of a set-aside delivery; completes once the broker confirmed it. */
  @FunctionalInterface
  public interface SafetyCopy {
    Future<Void> keep(WebhookDelivery delivery);
  }

  private final InstallationLanes lanes;
  private final LongFunction<Future<Long>> writableAt;
  private final SafetyCopy safety;
  private final Clock clock;
  private final long boundMs;
  private final LaneMeters meters;
  private final long writeGapMs;
  private final java.util.concurrent.ConcurrentMap<Long, Integer> directs =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentMap<Long, Integer> settingAside =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** What a delivery still planning is assumed to write (three jobs' check runs). */
  static final int WRITES_PER_DELIVERY = 3;

  /**
   * @param writableAt when a write of the installation submitted now would start (epoch ms), see
   *     {@code GitHubClient.writableAt}
   * @param bound how long a delivery may wait for its installation's writes in an intake slot
   * @param writeGap a minute over the per-minute write budget: the average gap between writes
   */
  public FairShare(
      InstallationLanes lanes,
      LongFunction<Future<Long>> writableAt,
      SafetyCopy safety,
      Clock clock,
      Duration bound,
      Duration writeGap,
      LaneMeters meters) {
    this.writeGapMs = writeGap.toMillis();
    this.lanes = lanes;
    this.writableAt = writableAt;
    this.safety = safety;
    this.clock = clock;
    this.boundMs = bound.toMillis();
    this.meters = meters;
  }

  public InstallationLanes lanes() {
    return lanes;
  }

  /**
   * Whether to carry the delivery out now, in its intake slot; false when it was set aside (safety
   * copy and lane entry written: ack the message). When the lanes cannot be reached: true, as
   * without lanes. Call {@link #done(long)} after carrying out a delivery admitted here.
   */
  public Future<Boolean> admit(BuildTrigger trigger, WebhookDelivery delivery) {
    long installation = trigger.installationId();
    return lanes
        .isEmpty(Long.toString(installation))
        .compose(
            empty -> {
              if (!empty || settingAside.containsKey(installation)) {
                // behind the lane, and behind deliveries other slots here are setting aside
                return setAside(trigger, delivery, clock.millis()).map(false);
              }
              return writableAt
                  .apply(installation)
                  .otherwise(0L)
                  .compose(
                      at -> {
                        // Deliveries of the installation admitted here and still planning have
                        // not queued their writes yet: count them in.
                        if (admitted(installation, at)) {
                          return Future.succeededFuture(true);
                        }
                        return setAside(trigger, delivery, at).map(false);
                      });
            })
        .recover(
            e -> {
              LOG.warn(
                  "installation lanes unavailable ({}); carrying delivery {} out in its intake slot",
                  e.toString(),
                  delivery.deliveryId());
              directs.merge(installation, 1, Integer::sum);
              return Future.succeededFuture(true);
            });
  }

  /**
   * Whether deliveries of the installation admitted here are still being carried out: its lane is
   * then not served from this process, so a lane entry never overtakes an older delivery of its
   * installation carried out directly.
   */
  public boolean busyHere(String installation) {
    return directs.containsKey(Long.parseLong(installation));
  }

  /** Check and count in one step, so two deliveries admitted at once see each other. */
  private boolean admitted(long installation, long writableAt) {
    boolean[] yes = {false};
    directs.compute(
        installation,
        (k, n) -> {
          int ahead = n == null ? 0 : n;
          yes[0] =
              writableAt + (long) ahead * WRITES_PER_DELIVERY * writeGapMs
                  <= clock.millis() + boundMs;
          return yes[0] ? ahead + 1 : n;
        });
    return yes[0];
  }

  /** A delivery {@link #admit admitted} for carrying out now has been carried out (or failed). */
  public void done(long installation) {
    directs.computeIfPresent(installation, (k, n) -> n <= 1 ? null : n - 1);
  }

  private Future<Void> setAside(BuildTrigger trigger, WebhookDelivery delivery, long readyAt) {
    String installation = Long.toString(trigger.installationId());
    String group =
        Jobs.group(
            trigger.repository(), trigger.event(), trigger.pullRequestNumber(), trigger.ref());
    settingAside.merge(trigger.installationId(), 1, Integer::sum);
    return safety
        .keep(delivery)
        .compose(v -> lanes.setAside(installation, group, delivery, readyAt))
        .andThen(
            ar ->
                settingAside.computeIfPresent(
                    trigger.installationId(), (k, n) -> n <= 1 ? null : n - 1))
        .onSuccess(
            added -> {
              if (added) {
                meters.setAside();
              }
            })
        .mapEmpty();
  }

  /**
   * Whether the delivery already waits in a lane (a redelivered intake message, or its safety copy
   * back from the delay queue: then a new copy is written, so one stays with the broker while the
   * entry waits).
   */
  public Future<Boolean> waitsInLane(WebhookDelivery delivery, boolean safetyCopy) {
    return lanes
        .holds(delivery.deliveryId())
        .compose(
            held ->
                held && safetyCopy ? safety.keep(delivery).map(true) : Future.succeededFuture(held))
        .otherwise(false);
  }

  /**
   * Whether a lane entry's plan is superseded by a newer head of its group that waits in the same
   * lane: then none of its writes is sent (the newer head's run replaces it).
   */
  public Future<Boolean> supersededInLane(Plan plan, String deliveryId) {
    Plan.Supersede s = plan.supersede();
    if (s == null || s.closes() || plan.jobs().isEmpty()) {
      return Future.succeededFuture(false);
    }
    return lanes.supersededInLane(s.group(), deliveryId).otherwise(false);
  }

  /** When the installation's lane should be served next (epoch ms). */
  public Future<Long> readyAt(String installation) {
    long now = clock.millis();
    return writableAt
        .apply(Long.parseLong(installation))
        .map(at -> Math.max(now, at))
        .otherwise(now);
  }
}
