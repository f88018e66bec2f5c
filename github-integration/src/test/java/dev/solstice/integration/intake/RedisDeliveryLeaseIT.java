package dev.solstice.integration.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 14: the delivery claim on the machine's Redis (127.0.0.1:6379), as two replicas see it. */
class RedisDeliveryLeaseIT {
  private static final Duration TTL = Duration.ofMillis(300);

  Vertx vertx;
  RedisAPI one;
  RedisAPI two;
  String prefix;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    one = RedisAPI.api(Redis.createClient(vertx, "redis://127.0.0.1:6379"));
    two = RedisAPI.api(Redis.createClient(vertx, "redis://127.0.0.1:6379"));
    prefix = "solstice-test:" + UUID.randomUUID() + ":lease:";
  }

  @AfterEach
  void stop() throws Exception {
    await(one.del(List.of(prefix + "d1")));
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theHolderKeepsItsClaimByRenewalAndAnotherReplicaGetsItOnRelease() throws Exception {
    DeliveryLease a = new RedisDeliveryLease(vertx, one, prefix, TTL);
    DeliveryLease b = new RedisDeliveryLease(vertx, two, prefix, TTL);
    DeliveryLease.Held held = await(a.acquire("d1"));
    // Three TTLs pass: renewal keeps the claim with its holder.
    Awaitility.await()
        .during(Duration.ofMillis(900))
        .atMost(Duration.ofSeconds(3))
        .until(() -> await(two.exists(List.of(prefix + "d1"))).toInteger() == 1);
    await(held.release());
    DeliveryLease.Held next = await(b.acquire("d1"));
    await(next.release());
  }

  @Test
  void aCrashedHoldersClaimExpires() throws Exception {
    // A holder that died: its claim was set and is never renewed nor released.
    await(
        one.set(List.of(prefix + "d1", "dead-replica", "NX", "PX", Long.toString(TTL.toMillis()))));
    DeliveryLease b = new RedisDeliveryLease(vertx, two, prefix, TTL);
    Future<DeliveryLease.Held> taken = b.acquire("d1");
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(taken::isComplete);
    assertThat(taken.succeeded()).isTrue();
    await(taken.result().release());
    assertThat(await(one.exists(List.of(prefix + "d1"))).toInteger()).isZero();
  }

  @Test
  void aClaimHeldTooLongFailsTheWaiterRetryably() throws Exception {
    DeliveryLease a = new RedisDeliveryLease(vertx, one, prefix, TTL);
    DeliveryLease b = new RedisDeliveryLease(vertx, two, prefix, TTL);
    DeliveryLease.Held held = await(a.acquire("d1"));
    Future<DeliveryLease.Held> waiting = b.acquire("d1");
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(waiting::isComplete);
    assertThat(waiting.failed()).isTrue();
    assertThat(dev.solstice.integration.core.Failures.retryable(waiting.cause())).isTrue();
    await(held.release());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
