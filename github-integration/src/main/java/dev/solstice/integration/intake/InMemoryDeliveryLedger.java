package dev.solstice.integration.intake;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ledger for a single replica: bounded in size and age. Use {@link RedisDeliveryLedger} when
 * several replicas share the intake queue.
 */
public final class InMemoryDeliveryLedger implements DeliveryLedger {

  private final Duration ttl;
  private final int maxEntries;
  private final Clock clock;
  private final LinkedHashMap<String, Long> done = new LinkedHashMap<>();

  public InMemoryDeliveryLedger(Duration ttl, int maxEntries, Clock clock) {
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  @Override
  public synchronized Future<Boolean> isDone(String deliveryId) {
    Long at = done.get(deliveryId);
    return Future.succeededFuture(at != null && clock.millis() - at < ttl.toMillis());
  }

  @Override
  public synchronized Future<Void> markDone(String deliveryId) {
    done.put(deliveryId, clock.millis());
    long oldest = clock.millis() - ttl.toMillis();
    var it = done.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (done.size() <= maxEntries && e.getValue() >= oldest) {
        break;
      }
      it.remove();
    }
    return Future.succeededFuture();
  }
}
