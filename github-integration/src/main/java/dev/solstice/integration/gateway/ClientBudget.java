package dev.solstice.integration.gateway;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry client's requests per clock hour: a counter per (client, hour), in Redis when
 * configured (shared by replicas, expiring with its hour) or in memory.
 */
public final class ClientBudget {

  /** Whether the request may go; if not, seconds until the hour ends. */
  public record Take(boolean allowed, long retryAfterSeconds) {}

  private final RedisAPI redis;
  private final String prefix;
  private final Clock clock;
  private final Map<String, Long> local = new ConcurrentHashMap<>();

  private ClientBudget(RedisAPI redis, String prefix, Clock clock) {
    this.redis = redis;
    this.prefix = prefix;
    this.clock = clock;
  }

  public static ClientBudget inMemory(Clock clock) {
    return new ClientBudget(null, null, clock);
  }

  public static ClientBudget redis(RedisAPI redis, String prefix, Clock clock) {
    return new ClientBudget(redis, prefix, clock);
  }

  /** Counts one request of {@code client} against {@code perHour} (0: unlimited). */
  public Future<Take> take(String client, int perHour) {
    if (perHour <= 0) {
      return Future.succeededFuture(new Take(true, 0));
    }
    long now = clock.millis() / 1000;
    long hour = now / 3600;
    long retryAfter = (hour + 1) * 3600 - now;
    String key = (prefix == null ? "" : prefix) + client + ":" + hour;
    Future<Long> count;
    if (redis == null) {
      local.keySet().removeIf(k -> !k.endsWith(":" + hour));
      count = Future.succeededFuture(local.merge(key, 1L, Long::sum));
    } else {
      count =
          redis
              .incr(key)
              .compose(
                  n ->
                      n.toLong() == 1L
                          ? redis.expire(List.of(key, "3700")).map(n.toLong())
                          : Future.succeededFuture(n.toLong()));
    }
    return count.map(n -> new Take(n <= perHour, n <= perHour ? 0 : retryAfter));
  }
}
