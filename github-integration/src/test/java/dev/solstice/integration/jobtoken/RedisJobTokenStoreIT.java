package dev.solstice.integration.jobtoken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.github.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Job grants in the machine's real Redis, under a unique prefix. */
class RedisJobTokenStoreIT {

  private final Vertx vertx = Vertx.vertx();
  private final RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, "redis://127.0.0.1:6379"));
  private final String prefix = "test:" + UUID.randomUUID() + ":jobtoken:";
  private final MutableClock clock = new MutableClock();
  private final JobTokens tokens =
      new JobTokens(new RedisJobTokenStore(redis, prefix, clock), JobTokensTest.settings(), clock);

  @AfterEach
  void close() {
    redis
        .keys(prefix + "*")
        .compose(
            keys ->
                keys.size() == 0
                    ? io.vertx.core.Future.succeededFuture()
                    : redis.del(keys.stream().map(Object::toString).toList()))
        .await();
    vertx.close().await();
  }

  @Test
  void keepsOnlyTheHashWithTheGrantExpiringInRedisAndEndsItWhenTheJobFinished() {
    UUID job = UUID.randomUUID();
    JobTokens.Issued issued =
        tokens.issue(job, "octo/hello", 9, Map.of("issues", "write"), 120).await();

    List<String> keys = redis.keys(prefix + "*").await().stream().map(Object::toString).toList();
    assertThat(keys)
        .containsExactlyInAnyOrder(
            prefix + "hash:" + JobTokens.hash(issued.token()), prefix + "job:" + job);
    for (String k : keys) {
      assertThat(redis.pttl(k).await().toLong()).isBetween(1L, Duration.ofMinutes(12).toMillis());
    }
    assertThat(String.valueOf(redis.get(prefix + "hash:" + JobTokens.hash(issued.token())).await()))
        .contains("octo/hello")
        .doesNotContain(issued.token());
    assertThat(String.valueOf(redis.smembers(prefix + "job:" + job).await()))
        .doesNotContain(issued.token());
    JobGrant grant = tokens.resolve(issued.token()).await().orElseThrow();
    assertThat(grant.permissions()).isEqualTo(Map.of("issues", "write"));

    assertThat(tokens.finished(job).await()).isTrue();
    long ttl = redis.pttl(prefix + "hash:" + JobTokens.hash(issued.token())).await().toLong();
    assertThat(ttl).isBetween(1L, 30_000L);
    clock.advance(Duration.ofSeconds(31));
    assertThat(tokens.resolve(issued.token()).await()).isEmpty();
  }

  @Test
  void endingAJobWithoutTokenIsHarmless() {
    assertThat(tokens.finished(UUID.randomUUID()).await()).isFalse();
  }
}
