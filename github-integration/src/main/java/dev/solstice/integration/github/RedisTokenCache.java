package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedTokenCache} in Redis. Values are AES-GCM encrypted with {@code TOKEN_CACHE_KEY} and
 * expire with the token; the mint lock is {@code SET NX PX} and released by compare-and-delete.
 */
public final class RedisTokenCache implements SharedTokenCache {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTokenCache.class);
  private static final String UNLOCK_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

  private static final String RENEW_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2])"
          + " else return 0 end";

  /** Redis is an optimisation: a slow one must not hold up GitHub calls for long. */
  private static final long TIMEOUT_MS = 2_000;

  private final RedisAPI redis;
  private final TokenCipher cipher;
  private final String prefix;
  private final Clock clock;

  /**
   * @param prefix prepended to every key (tests use a random one per test)
   */
  public RedisTokenCache(RedisAPI redis, byte[] cacheKey, String prefix, Clock clock) {
    this.redis = redis;
    this.cipher = new TokenCipher(cacheKey);
    this.prefix = prefix;
    this.clock = clock;
  }

  @Override
  public Future<Optional<InstallationToken>> get(String key) {
    String k = prefix + key;
    return redis
        .get(k)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            r -> {
              if (r == null) {
                return Optional.empty();
              }
              try {
                JsonObject json = new JsonObject(cipher.decrypt(r.toString(), k));
                return Optional.of(
                    new InstallationToken(
                        json.getString("token"),
                        Instant.parse(json.getString("expires_at")),
                        InstallationToken.Source.MINTED));
              } catch (GeneralSecurityException | RuntimeException e) {
                // Another key (rotation) or tampering: treat as a miss, the value is overwritten.
                LOG.warn("Ignoring undecryptable token cache entry {}", k);
                return Optional.empty();
              }
            });
  }

  @Override
  public Future<Void> put(String key, InstallationToken token) {
    String k = prefix + key;
    long ttl = Duration.between(clock.instant(), token.expiresAt()).toMillis();
    if (ttl <= 0) {
      return Future.succeededFuture();
    }
    String value =
        cipher.encrypt(
            new JsonObject()
                .put("token", token.token())
                .put("expires_at", token.expiresAt().toString())
                .encode(),
            k);
    return redis
        .set(List.of(k, value, "PX", Long.toString(ttl)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  @Override
  public Future<Void> evict(String key) {
    return redis.del(List.of(prefix + key)).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> evictAll(String keyPrefix) {
    return scanAndDelete("0", prefix + keyPrefix + "*");
  }

  private Future<Void> scanAndDelete(String cursor, String pattern) {
    return redis
        .scan(List.of(cursor, "MATCH", pattern, "COUNT", "500"))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(
            r -> {
              String next = r.get(0).toString();
              List<String> keys = new java.util.ArrayList<>();
              r.get(1).forEach(k -> keys.add(k.toString()));
              Future<Void> deleted =
                  keys.isEmpty()
                      ? Future.succeededFuture()
                      : redis.del(keys).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
              return "0".equals(next)
                  ? deleted
                  : deleted.compose(v -> scanAndDelete(next, pattern));
            });
  }

  @Override
  public Future<Boolean> tryLock(String key, String owner, Duration ttl) {
    return redis
        .set(List.of(prefix + key + ":lock", owner, "NX", "PX", Long.toString(ttl.toMillis())))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  @Override
  public Future<Void> renewLock(String key, String owner, Duration ttl) {
    return redis
        .eval(
            List.of(
                RENEW_SCRIPT, "1", prefix + key + ":lock", owner, Long.toString(ttl.toMillis())))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  @Override
  public Future<Void> unlock(String key, String owner) {
    return redis
        .eval(List.of(UNLOCK_SCRIPT, "1", prefix + key + ":lock", owner))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }
}
