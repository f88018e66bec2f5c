package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.simulator.github.Fault;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14: two replicas (one broker, one Redis) each receive the same delivery at the same time;
 * the delivery lease lets one process it, the other then finds it done: check runs are created
 * once.
 */
class ReplicaClaimIT extends VertxPerClass {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaClaimIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @Test
  void twoReplicasGivenTheSameDeliveryCreateItsCheckRunsOnce() throws Exception {
    String cacheKey = FaultSupport.tokenCacheKey(LOGS);
    String prefix = "solstice:test:" + UUID.randomUUID() + ":";
    try (GitHubStack s =
        GitHubStack.start(
            vertx,
            Map.of(
                "REDIS_URL",
                "redis://127.0.0.1:6379",
                "TOKEN_CACHE_KEY",
                cacheKey,
                "REDIS_KEY_PREFIX",
                prefix,
                "GITHUB_TOKEN_CACHE_PREFIX",
                prefix + "token:",
                "GITHUB_WRITE_BUDGET_PREFIX",
                prefix + "budget:",
                "DELIVERY_LEASE_TTL",
                "3s"),
            LOGS)) {
      ServiceHarness a = s.service;
      ServiceHarness b = s.replica(vertx);
      // Slow workflow reads keep both copies in flight at once.
      s.sim.inject(Fault.latency(Duration.ofMillis(300)).times(1000).on("GET", ".*/contents/.*"));
      int n = 8;
      Set<UUID> expected = new HashSet<>();
      List<CompletableFuture<Integer>> posts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String d = UUID.randomUUID().toString();
        expected.add(RequestIds.of(d, "build"));
        expected.add(RequestIds.of(d, "test"));
        byte[] body = GitHubStack.pushAt(GitHubStack.SHA, "refs/heads/claim-" + i);
        posts.add(CompletableFuture.supplyAsync(() -> post(a, d, body)));
        posts.add(CompletableFuture.supplyAsync(() -> post(b, d, body)));
      }
      for (CompletableFuture<Integer> p : posts) {
        assertThat(p.get(20, TimeUnit.SECONDS)).isEqualTo(202);
      }
      JobTally tally =
          JobTally.settleAndDrain(
              a.broker(),
              a.config().jobs().queue(),
              FaultSupport.intakeQueues(a.config()),
              expected,
              Duration.ofSeconds(60));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> processed(a, "duplicate") + processed(b, "duplicate") >= n);
      long created =
          s.sim.calls(c -> c.operation().equals("checks/create") && c.status() == 201).size();
      LOG.info(
          "two replicas, each delivery to both at once: deliveries={} {} | check runs created={}"
              + " | published a={} b={} | duplicates a={} b={}",
          n,
          tally,
          created,
          processed(a, "published"),
          processed(b, "published"),
          processed(a, "duplicate"),
          processed(b, "duplicate"));
      s.registerSecrets(LOGS);

      assertThat(tally.lost()).isZero();
      assertThat(tally.duplicates()).as(tally.toString()).isZero();
      assertThat(created).isEqualTo(2L * n);
      assertThat(processed(a, "duplicate") + processed(b, "duplicate")).isEqualTo(n);
      // The writes went through the shared budget: its log for the installation is in Redis.
      Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
      try {
        RedisAPI api = RedisAPI.api(redis);
        String budget = prefix + "budget:" + GitHubStack.INSTALLATION;
        assertThat(await(api.zcard(budget)).toLong()).isEqualTo(2L * n);
        await(api.del(List.of(budget)));
      } finally {
        redis.close();
      }
    }
  }

  @Test
  void withoutRedisTheServiceSaysItAssumesItIsTheOnlyReplica() throws Exception {
    try (GitHubStack s = GitHubStack.start(vertx, Map.of(), LOGS)) {
      assertThat(LOGS.lines())
          .anyMatch(
              l -> l.contains("REDIS_URL not set: this instance assumes it is the only replica"));
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static int post(ServiceHarness s, String delivery, byte[] body) {
    try {
      return s.post("push", delivery, body).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double processed(ServiceHarness s, String outcome) {
    return FaultSupport.processed(s, outcome);
  }
}
