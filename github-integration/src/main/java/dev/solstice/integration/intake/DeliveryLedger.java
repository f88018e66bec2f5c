package dev.solstice.integration.intake;

import io.vertx.core.Future;

/**
 * Which webhook deliveries were already turned into work, so a redelivery (GitHub's Redeliver, a
 * duplicate send, a replay after a crash) produces none again.
 */
public interface DeliveryLedger {

  Future<Boolean> isDone(String deliveryId);

  /** Records that every JobRequest of the delivery was confirmed by the broker. */
  Future<Void> markDone(String deliveryId);

  /** True when the ledger's store answers (always for the in-memory one). */
  default boolean isHealthy() {
    return true;
  }
}
