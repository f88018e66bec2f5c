package dev.solstice.integration.intake;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;

/** The ledger shared by every replica: one Redis key per delivery, expiring after the TTL. */
public final class RedisDeliveryLedger implements DeliveryLedger {

  private final RedisAPI redis;
  private final String prefix;
  private final Duration ttl;
  private volatile boolean healthy = true;

  public RedisDeliveryLedger(RedisAPI redis, String prefix, Duration ttl) {
    this.redis = redis;
    this.prefix = prefix;
    this.ttl = ttl;
  }

  @Override
  public Future<Boolean> isDone(String deliveryId) {
    return track(redis.exists(List.of(prefix + deliveryId)).map(r -> r.toInteger() > 0));
  }

  @Override
  public Future<Void> markDone(String deliveryId) {
    return track(
        redis
            .set(List.of(prefix + deliveryId, "1", "EX", Long.toString(ttl.toSeconds())))
            .mapEmpty());
  }

  @Override
  public boolean isHealthy() {
    return healthy;
  }

  private <T> Future<T> track(Future<T> f) {
    return f.onSuccess(v -> healthy = true).onFailure(e -> healthy = false);
  }
}
