package dev.solstice.integration.intake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeliveryLease} in Redis: {@code SET key owner NX PX ttl}, renewed every third of the TTL
 * while held and deleted at the end, both only while this owner still holds it (compare in Lua). A
 * crashed holder stops renewing and its claim expires after the TTL.
 */
public record RedisDeliveryLease(
    Vertx vertx, RedisAPI redis, String prefix, long ttlMs, long pollMs) implements DeliveryLease {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDeliveryLease.class);

  static final String RENEW_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then"
          + " return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
  static final String RELEASE_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then"
          + " return redis.call('del', KEYS[1]) else return 0 end";

  private static final long TIMEOUT_MS = 2_000;

  /** Claims that live {@code ttl} (30 ms at least) unless renewed; waiters poll a tenth of it. */
  public RedisDeliveryLease(Vertx vertx, RedisAPI redis, String prefix, Duration ttl) {
    this(vertx, redis, prefix, Math.max(30, ttl.toMillis()), pollFor(Math.max(30, ttl.toMillis())));
  }

  private static long pollFor(long ttlMs) {
    return Math.max(10, Math.min(500, ttlMs / 10));
  }

  @Override
  public Future<Held> acquire(String deliveryId) {
    // Twice the TTL: a holder that dies mid-way loses its claim within one TTL.
    return tryAcquire(prefix + deliveryId, UUID.randomUUID().toString(), 2 * ttlMs / pollMs + 1);
  }

  private Future<Held> tryAcquire(String key, String owner, long triesLeft) {
    return redis
        .set(List.of(key, owner, "NX", "PX", Long.toString(ttlMs)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(
            r -> {
              if (r != null && "OK".equals(r.toString())) {
                return Future.succeededFuture(hold(key, owner));
              }
              if (triesLeft <= 1) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "delivery " + key + " is still being processed by another replica"));
              }
              return vertx.timer(pollMs).compose(t -> tryAcquire(key, owner, triesLeft - 1));
            });
  }

  private Held hold(String key, String owner) {
    long timer =
        vertx.setPeriodic(
            Math.max(10, ttlMs / 3),
            id ->
                redis
                    .eval(List.of(RENEW_SCRIPT, "1", key, owner, Long.toString(ttlMs)))
                    .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .onSuccess(
                        r -> {
                          if (r == null || r.toInteger() == 0) {
                            LOG.warn("Lost the claim on {} while processing it", key);
                            vertx.cancelTimer(id);
                          }
                        }));
    return () -> {
      vertx.cancelTimer(timer);
      return redis
          .eval(List.of(RELEASE_SCRIPT, "1", key, owner))
          .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .mapEmpty();
    };
  }
}
