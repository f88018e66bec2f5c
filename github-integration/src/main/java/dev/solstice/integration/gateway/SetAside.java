package dev.solstice.integration.gateway;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which credentials of the pool are set aside (rate limited) and until when: in Redis when
 * configured, so every replica skips a credential another one saw limited (a key per credential
 * expiring at its reset), else in this process.
 */
public final class SetAside {

  private final RedisAPI redis;
  private final String prefix;
  private final Clock clock;
  private final Map<String, Instant> local = new ConcurrentHashMap<>();

  private SetAside(RedisAPI redis, String prefix, Clock clock) {
    this.redis = redis;
    this.prefix = prefix;
    this.clock = clock;
  }

  public static SetAside inMemory(Clock clock) {
    return new SetAside(null, null, clock);
  }

  /** Keys {@code <prefix><credential name>}, holding the epoch second the credential is back. */
  public static SetAside redis(RedisAPI redis, String prefix, Clock clock) {
    return new SetAside(redis, prefix, clock);
  }

  /** Sets {@code credential} aside until {@code until}. */
  Future<Void> setAside(String credential, Instant until) {
    Instant now = clock.instant();
    if (!until.isAfter(now)) {
      return Future.succeededFuture();
    }
    local.merge(credential, until, (a, b) -> a.isAfter(b) ? a : b);
    if (redis == null) {
      return Future.succeededFuture();
    }
    long px = Math.max(1, until.toEpochMilli() - now.toEpochMilli());
    return redis
        .set(
            List.of(
                prefix + credential, Long.toString(until.toEpochMilli()), "PX", Long.toString(px)))
        .<Void>mapEmpty();
  }

  /**
   * Of {@code credentials}, those set aside now, with the instant each is back. A failing Redis
   * counts as none set aside (GitHub then says again).
   */
  Future<Map<String, Instant>> asideOf(List<String> credentials) {
    Instant now = clock.instant();
    local.values().removeIf(until -> !until.isAfter(now));
    if (redis == null || credentials.isEmpty()) {
      Map<String, Instant> out = new HashMap<>();
      for (String c : credentials) {
        Instant until = local.get(c);
        if (until != null) {
          out.put(c, until);
        }
      }
      return Future.succeededFuture(out);
    }
    List<String> keys = new ArrayList<>();
    credentials.forEach(c -> keys.add(prefix + c));
    return redis
        .mget(keys)
        .map(
            r -> {
              // This replica's own (a write still on its way to Redis), then the shared ones.
              Map<String, Instant> out = new HashMap<>();
              for (String c : credentials) {
                Instant until = local.get(c);
                if (until != null) {
                  out.put(c, until);
                }
              }
              for (int i = 0; i < credentials.size(); i++) {
                Response v = r.get(i);
                if (v != null) {
                  Instant until = Instant.ofEpochMilli(v.toLong());
                  if (until.isAfter(now)) {
                    out.merge(credentials.get(i), until, (a, b) -> a.isAfter(b) ? a : b);
                  }
                }
              }
              return out;
            })
        .otherwise(e -> Map.of());
  }
}
