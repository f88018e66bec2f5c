package dev.solstice.integration.jobtoken;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Job grants in Redis, shared by every replica: {@code <prefix>hash:<sha256>} holds the grant as
 * JSON and {@code <prefix>job:<request_id>} the set of its job's hashes (a replayed delivery may
 * publish a job twice, each copy with its own token), both expiring with the grant.
 *
 * @param prefix what every key of the store starts with
 */
public record RedisJobTokenStore(RedisAPI redis, String prefix, Clock clock)
    implements JobTokenStore {

  @Override
  public Future<Void> put(String hash, JobGrant grant) {
    String ttl = ttlMillis(grant);
    return redis
        .set(List.of(prefix + "hash:" + hash, grant.toJson().encode(), "PX", ttl))
        .compose(r -> redis.sadd(List.of(prefix + "job:" + grant.requestId(), hash)))
        // NX sets the first expiry, GT extends it for a later copy's longer-lived token.
        .compose(r -> redis.pexpire(List.of(prefix + "job:" + grant.requestId(), ttl, "NX")))
        .compose(r -> redis.pexpire(List.of(prefix + "job:" + grant.requestId(), ttl, "GT")))
        .mapEmpty();
  }

  @Override
  public Future<Optional<JobGrant>> get(String hash) {
    return redis
        .get(prefix + "hash:" + hash)
        .map(
            r ->
                r == null
                    ? Optional.empty()
                    : Optional.of(JobGrant.fromJson(new JsonObject(r.toString()))));
  }

  @Override
  public Future<Boolean> endBy(UUID requestId, Instant until) {
    return redis
        .smembers(prefix + "job:" + requestId)
        .compose(
            hashes -> {
              Future<Boolean> chain = Future.succeededFuture(false);
              for (var h : hashes) {
                String hash = h.toString();
                chain =
                    chain.compose(
                        any ->
                            get(hash)
                                .compose(
                                    g ->
                                        g.isEmpty()
                                            ? Future.succeededFuture(any)
                                            : rewrite(hash, g.get().endingBy(until)).map(true)));
              }
              return chain;
            });
  }

  private Future<Boolean> rewrite(String hash, JobGrant shortened) {
    String ttl = ttlMillis(shortened);
    // XX: a grant that expired meanwhile is not brought back.
    return redis
        .set(List.of(prefix + "hash:" + hash, shortened.toJson().encode(), "PX", ttl, "XX"))
        .map(true);
  }

  private String ttlMillis(JobGrant grant) {
    return String.valueOf(
        Math.max(1, Duration.between(clock.instant(), grant.expiresAt()).toMillis()));
  }
}
