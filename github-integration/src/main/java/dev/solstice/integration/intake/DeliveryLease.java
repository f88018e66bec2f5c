package dev.solstice.integration.intake;

import io.vertx.core.Future;

/**
 * A claim on one delivery, so that one replica at a time processes it (issue 14): two copies of a
 * delivery consumed by two replicas at once would otherwise both find it missing from the {@link
 * DeliveryLedger} and both create check runs.
 */
public interface DeliveryLease {

  /** A held claim; release it when processing ends, whatever the outcome. */
  interface Held {
    Future<Void> release();
  }

  /** Within one process copies are already taken in turn: no claim needed. */
  DeliveryLease IN_PROCESS = deliveryId -> Future.succeededFuture(() -> Future.succeededFuture());

  /**
   * Completes once this replica holds the claim on {@code deliveryId}: at once if nobody does, else
   * when the holder releases it or its claim expires. Fails when it cannot be had in reasonable
   * time (the delivery is then retried later).
   */
  Future<Held> acquire(String deliveryId);
}
