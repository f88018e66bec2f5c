package dev.solstice.integration.checks;

import dev.solstice.integration.github.WriteGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link CheckRunMap} in Redis, shared by replicas. A job's keys carry its request_id as a hash tag
 * ({@code done:{id}}, {@code completing:{id}}, {@code writing:{id}}), so the one script that reads
 * several of them stays on one Redis Cluster slot.
 */
final class RedisCheckRunMap implements CheckRunMap {

  /**
   * Lets an {@code in_progress} write through unless a completion began or is recorded, and takes
   * the run's write lease in the same step (atomic, so a completion that begins right after sees
   * the lease and waits for the write's answer). KEYS: done, completing, writing; ARGV: owner,
   * lease ms.
   */
  private static final String STARTED_WRITE =
      "if redis.call('exists', KEYS[1]) == 1 or redis.call('exists', KEYS[2]) == 1 then"
          + " return 0 end "
          + "if redis.call('set', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
          + "return 0";

  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
          + " return 0";

  /** How often a completion looks whether an {@code in_progress} write was answered. */
  private static final long POLL_MS = 25;

  /**
   * How long the create and completion notes are kept: results and replays of a job come within
   * hours; past this, {@code done:{id}} (kept {@code CHECK_RUN_TTL}) still refuses an {@code
   * in_progress}, and a replay a day late is looked up by the map alone.
   */
  private static final Duration MARK_TTL = Duration.ofDays(1);

  private final Vertx vertx;
  private final RedisAPI redis;
  private final String prefix;
  private final Duration ttl;
  private final Duration writeLease;

  RedisCheckRunMap(Vertx vertx, RedisAPI redis, String prefix, Duration ttl, Duration writeLease) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = prefix;
    this.ttl = ttl;
    this.writeLease = writeLease;
  }

  private String key(String kind, UUID requestId) {
    return prefix + kind + ":{" + requestId + "}";
  }

  @Override
  public Future<Optional<Long>> get(UUID requestId) {
    return redis
        .get(prefix + requestId)
        .map(r -> r == null ? Optional.empty() : Optional.of(r.toLong()));
  }

  @Override
  public Future<Void> put(UUID requestId, long checkRunId) {
    return redis
        .set(
            List.of(
                prefix + requestId,
                Long.toString(checkRunId),
                "EX",
                Long.toString(ttl.toSeconds())))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> isCompleted(UUID requestId) {
    return redis.exists(List.of(key("done", requestId))).map(r -> r.toInteger() > 0);
  }

  @Override
  public Future<Void> markCompleted(UUID requestId) {
    return redis
        .set(List.of(key("done", requestId), "1", "EX", Long.toString(ttl.toSeconds())))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> beginCreate(UUID requestId) {
    return redis
        .set(
            List.of(
                key("creating", requestId), "1", "NX", "EX", Long.toString(MARK_TTL.toSeconds())))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  @Override
  public Future<Void> beginCompletion(UUID requestId) {
    Instant until = Instant.now().plus(writeLease);
    return redis
        .set(List.of(key("completing", requestId), "1", "EX", Long.toString(MARK_TTL.toSeconds())))
        .compose(v -> noStartedWrite(requestId, until));
  }

  /** Until the run's {@code in_progress} write (if one is in flight) was answered. */
  private Future<Void> noStartedWrite(UUID requestId, Instant until) {
    return redis
        .exists(List.of(key("writing", requestId)))
        .compose(
            r -> {
              if (r.toInteger() == 0 || Instant.now().isAfter(until)) {
                return Future.succeededFuture();
              }
              return vertx.timer(POLL_MS).compose(t -> noStartedWrite(requestId, until));
            });
  }

  @Override
  public WriteGuard startedWrite(UUID requestId) {
    String owner = UUID.randomUUID().toString();
    String lease = key("writing", requestId);
    return new WriteGuard() {
      @Override
      public Future<Boolean> acquire() {
        return redis
            .eval(
                List.of(
                    STARTED_WRITE,
                    "3",
                    key("done", requestId),
                    key("completing", requestId),
                    lease,
                    owner,
                    Long.toString(writeLease.toMillis())))
            .map(r -> r != null && r.toInteger() == 1);
      }

      @Override
      public Future<Void> release() {
        return redis.eval(List.of(RELEASE, "1", lease, owner)).mapEmpty();
      }
    };
  }
}
