package dev.solstice.integration.github;

import io.vertx.core.Future;

/**
 * The write budget of each installation shared by every replica (issue 14): GitHub's secondary
 * limits count content-creating requests per installation, not per process. A replica reserves a
 * start time for each write and starts it then; the reservations of all replicas together keep
 * {@link PacingPolicy}'s per-minute and per-hour limits.
 */
public interface WriteBudget {

  /**
   * Reserves one write of {@code lane} (an installation id, or "app") to start at or after {@code
   * notBefore} (epoch ms) and after every earlier reservation of the lane.
   *
   * @return the reserved start (epoch ms); the caller starts the write then, not before
   */
  Future<Long> reserve(String lane, long notBefore);

  /**
   * The start a reservation of {@code lane} at or after {@code notBefore} would get now, reserving
   * nothing: the intake asks it to decide whether a delivery can be carried out within a short
   * bound or must be set aside (issue 14, fairness).
   */
  default Future<Long> nextStart(String lane, long notBefore) {
    return Future.succeededFuture(notBefore);
  }
}
