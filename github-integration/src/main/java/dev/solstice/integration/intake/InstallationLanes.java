package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Per-installation lanes of deliveries set aside while their installation cannot write to GitHub
 * (issue 14, fairness): within an installation in the order the webhooks were received (so
 * deliveries set aside by concurrent intake slots keep GitHub's order), served one delivery per
 * turn, installations in the order their budget next allows a write (round-robin among those
 * ready). One replica at a time holds an installation's turn, and a delivery is carried out
 * directly (in its intake slot) only while its installation's lane is empty, so an installation's
 * deliveries are carried out in the order they were set aside. In Redis when configured ({@link
 * RedisInstallationLanes}), else in this process ({@link InMemoryInstallationLanes}).
 */
public interface InstallationLanes {

  /** The right to carry out one delivery of an installation; give it up whatever happens. */
  interface Turn {
    String installation();

    /** The lane's head to carry out. */
    WebhookDelivery head();

    /**
     * Removes the head (when there is one) and gives the turn up; a non-empty lane is served again
     * from {@code nextReadyAt} (epoch ms).
     */
    Future<Void> finish(long nextReadyAt);

    /** Gives the turn up keeping the head; the lane is served again from {@code readyAt}. */
    Future<Void> giveBack(long readyAt);
  }

  /** A turn whose two ends are functions of when the lane is to be served again. */
  record FunctionTurn(
      String installation,
      WebhookDelivery head,
      LongFunction<Future<Void>> onFinish,
      LongFunction<Future<Void>> onGiveBack)
      implements Turn {
    @Override
    public Future<Void> finish(long nextReadyAt) {
      return onFinish.apply(nextReadyAt);
    }

    @Override
    public Future<Void> giveBack(long readyAt) {
      return onGiveBack.apply(readyAt);
    }
  }

  /** An installation's lane and how many deliveries wait in it. */
  record Depth(String installation, long deliveries) {}

  /**
   * Whether the installation's lane is empty: only then may a delivery of it be carried out
   * directly, in its intake slot; else it goes to the lane, behind the rest.
   */
  Future<Boolean> isEmpty(String installation);

  /**
   * Appends the delivery to its installation's lane (once: false when it is there already); the
   * lane is served from {@code readyAt} unless it is already waiting to be served.
   *
   * @param group the run group a newer delivery supersedes ({@code planning.Jobs.group}), or null
   */
  Future<Boolean> setAside(String installation, String group, WebhookDelivery d, long readyAt);

  /** Whether the delivery waits in a lane. */
  Future<Boolean> holds(String deliveryId);

  /**
   * Whether a delivery of {@code group} newer than {@code deliveryId} was set aside: then this one
   * is superseded before it wrote anything.
   */
  Future<Boolean> supersededInLane(String group, String deliveryId);

  /**
   * The turn of the lane that has waited longest for its ready time, at or before {@code now}
   * (epoch ms); null when none is ready or their turns are held.
   */
  Future<Turn> nextTurn(long now);

  /** The {@code n} deepest lanes, deepest first, and the number of non-empty lanes. */
  Future<List<Depth>> deepest(int n);

  /** Number of non-empty lanes. */
  Future<Long> lanes();
}
