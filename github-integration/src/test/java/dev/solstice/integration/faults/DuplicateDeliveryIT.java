package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.VertxPerClass;
import io.vertx.core.json.JsonObject;
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
 * Fault test 4: every delivery sent twice with the same X-GitHub-Delivery (half of the pairs at the
 * same instant, half one after the other), then a third time once all is done: one set of
 * JobRequests and one set of check runs. And a replay after a crash that lost the ledger entry
 * yields the same request ids and reuses the same check runs.
 */
class DuplicateDeliveryIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(DuplicateDeliveryIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private static double duplicatesCounted(GitHubStack s) {
    return FaultSupport.processed(s.service, "duplicate");
  }

  @Test
  void everyDeliverySentTwiceYieldsOneSetOfJobsAndCheckRuns() throws Exception {
    try (GitHubStack s = GitHubStack.start(vertx, Map.of(), LOGS)) {
      int n = 30;
      List<String> deliveries = new ArrayList<>();
      Set<UUID> expected = new HashSet<>();
      Map<String, byte[]> bodies = new java.util.HashMap<>();
      WebhookLoad load =
          new WebhookLoad(
              dev.solstice.integration.testing.ServiceHarness.SECRET,
              s.service.service()::httpPort);
      for (int i = 0; i < n; i++) {
        String d = UUID.randomUUID().toString();
        deliveries.add(d);
        expected.add(RequestIds.of(d, "build"));
        expected.add(RequestIds.of(d, "test"));
        byte[] body = GitHubStack.pushAt(GitHubStack.SHA, "refs/heads/dup-" + i);
        bodies.put(d, body);
        if (i % 2 == 0) {
          CompletableFuture.allOf(load.send("push", d, body), load.send("push", d, body))
              .get(20, TimeUnit.SECONDS);
        } else {
          load.send("push", d, body).get(20, TimeUnit.SECONDS);
          load.send("push", d, body).get(20, TimeUnit.SECONDS);
        }
      }
      JobTally pairs =
          JobTally.settleAndDrain(
              s.service.broker(),
              s.service.config().jobs().queue(),
              FaultSupport.intakeQueues(s.service.config()),
              expected,
              Duration.ofSeconds(60));
      for (String d : deliveries) {
        load.send("push", d, bodies.get(d)).get(20, TimeUnit.SECONDS);
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> duplicatesCounted(s) >= 2 * n);
      // The third copies were all dropped: no JobRequest comes of them for a second.
      org.awaitility.Awaitility.await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.service.broker().count(s.service.config().jobs().queue()) == 0);
      long laterJobs = s.service.broker().count(s.service.config().jobs().queue());
      List<JsonObject> runs = s.runs(GitHubStack.SHA);
      Set<String> externalIds = new HashSet<>();
      runs.forEach(r -> externalIds.add(r.getString("external_id")));
      long created =
          s.sim.calls(c -> c.operation().equals("checks/create") && c.status() == 201).size();
      LOG.info(
          "fault test 4 (each delivery sent twice, then a third time): deliveries={} requests={} accepted={}"
              + " | after the pairs: {} | JobRequests after the third copies={} | duplicates dropped={} | check runs={}"
              + " (created={}, distinct external ids={})",
          n,
          load.requests(),
          load.accepted,
          pairs,
          laterJobs,
          (long) duplicatesCounted(s),
          runs.size(),
          created,
          externalIds.size());
      s.registerSecrets(LOGS);

      assertThat(load.accepted.get()).isEqualTo(3 * n);
      assertThat(pairs.lost()).isZero();
      assertThat(pairs.unexpected()).isZero();
      assertThat(pairs.duplicates()).as(pairs.toString()).isZero();
      assertThat(pairs.messages()).isEqualTo(2 * n);
      assertThat(laterJobs).isZero();
      assertThat(duplicatesCounted(s)).isEqualTo(2.0 * n);
      assertThat(runs).hasSize(2 * n);
      assertThat(externalIds).hasSize(2 * n);
      assertThat(created).isEqualTo(2L * n);
    }
  }

  @Test
  void aReplayAfterACrashYieldsTheSameRequestIdsAndTheSameCheckRuns() throws Exception {
    String cacheKey = FaultSupport.tokenCacheKey(LOGS);
    try (GitHubStack s =
        GitHubStack.start(
            vertx,
            Map.of(
                "REDIS_URL",
                "redis://127.0.0.1:6379",
                "TOKEN_CACHE_KEY",
                cacheKey,
                "DELIVERY_DEDUP_TTL",
                "1h",
                "GITHUB_TOKEN_CACHE_PREFIX",
                "solstice:test:" + UUID.randomUUID() + ":"),
            LOGS)) {
      String d = UUID.randomUUID().toString();
      Set<UUID> expected = Set.of(RequestIds.of(d, "build"), RequestIds.of(d, "test"));
      byte[] body = GitHubStack.pushAt(GitHubStack.SHA);
      assertThat(s.service.post("push", d, body).statusCode()).isEqualTo(202);
      JobTally first =
          JobTally.settleAndDrain(
              s.service.broker(),
              s.service.config().jobs().queue(),
              FaultSupport.intakeQueues(s.service.config()),
              expected,
              Duration.ofSeconds(30));

      // The crash window: JobRequests confirmed, ledger entry never written.
      Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
      RedisAPI.api(redis)
          .del(List.of("solstice:delivery:" + d))
          .toCompletionStage()
          .toCompletableFuture()
          .get();
      redis.close();
      assertThat(s.service.post("push", d, body).statusCode()).isEqualTo(202);
      JobTally replay =
          JobTally.settleAndDrain(
              s.service.broker(),
              s.service.config().jobs().queue(),
              FaultSupport.intakeQueues(s.service.config()),
              expected,
              Duration.ofSeconds(30));
      long created =
          s.sim.calls(c -> c.operation().equals("checks/create") && c.status() == 201).size();
      LOG.info(
          "fault test 4b (replay after a lost ledger entry): first {} | replay {} | check runs={} created={}",
          first,
          replay,
          s.runs(GitHubStack.SHA).size(),
          created);
      s.registerSecrets(LOGS);

      assertThat(first.copies().keySet()).isEqualTo(expected);
      assertThat(replay.copies().keySet()).as("the same request ids").isEqualTo(expected);
      assertThat(s.runs(GitHubStack.SHA)).as("the same check runs, not new ones").hasSize(2);
      assertThat(created).isEqualTo(2);
    }
  }
}
