package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.DeliverCallback;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SecondaryWriteLimit;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, fairness: installation A has a backlog of 300 pushes × 3 jobs under GitHub's default
 * write limit (80 content-creating requests a minute, which the simulator enforces here); pushes of
 * installation B are served while A's lane is still full, A's budget is used to the last write and
 * never beyond, and A's check runs are created in push order. GitHub's limits are not scaled: the
 * backlog forms at once (900 creates against 80 a minute), so the test need not wait for a second
 * budget minute; the bench's fairness phase measures B's latency and A's drain over longer.
 */
class FairnessIT extends VertxPerClass {
  private static final Logger LOG = LoggerFactory.getLogger(FairnessIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  static final String THREE_JOBS =
      """
      job "build" {
          script "make"
      }
      job "test" {
          script "make test"
      }
      job "lint" {
          script "make lint"
      }
      """;
  static final String REPO_B = "octo-org/other";
  static final long INSTALLATION_B = 2;
  static final int WRITES_PER_MINUTE = 80;
  static final int A_PUSHES = 300;
  static final int B_PUSHES = 20;

  @Test
  void aSecondInstallationIsServedWhileTheFirstHasABacklog() throws Exception {
    String prefix = "solstice:test:" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("TOKEN_CACHE_KEY", FaultSupport.tokenCacheKey(LOGS));
    env.put("REDIS_KEY_PREFIX", prefix);
    env.put("GITHUB_TOKEN_CACHE_PREFIX", prefix + "token:");
    env.put("GITHUB_WRITE_BUDGET_PREFIX", prefix + "budget:");
    env.put("GITHUB_WRITES_PER_MINUTE", Integer.toString(WRITES_PER_MINUTE));
    env.put("GITHUB_WRITES_PER_HOUR", "500");
    env.put("INTAKE_LANE_POLL", "50ms");
    try (GitHubStack s = GitHubStack.start(vertx, env, LOGS)) {
      // GitHub's secondary limit, enforced; a second of slack for the hop from client to server.
      SecondaryWriteLimit limit =
          s.sim.secondaryWriteLimit(WRITES_PER_MINUTE, Duration.ofSeconds(59));
      s.sim.cheapCallLog();
      s.sim.installation(INSTALLATION_B, REPO_B);
      ServiceHarness service = s.service;
      Set<UUID> published = ConcurrentHashMap.newKeySet();
      consumeJobs(service, published);

      List<String> aShas = new ArrayList<>();
      for (int i = 0; i < A_PUSHES; i++) {
        String sha = sha('a', i);
        aShas.add(sha);
        s.sim.putFile(GitHubStack.REPO, sha, SimulatorLauncher.WORKFLOW_PATH, THREE_JOBS);
      }
      for (int i = 0; i < A_PUSHES; i++) {
        // each push on a branch of its own: no head supersedes another, every job must run
        byte[] body = GitHubStack.pushAt(aShas.get(i), "refs/heads/a-" + i);
        assertThat(service.post("push", UUID.randomUUID().toString(), body).statusCode())
            .isEqualTo(202);
      }
      Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
      RedisAPI api = RedisAPI.api(redis);
      try {
        String laneA = prefix + "lanes:lane:" + GitHubStack.INSTALLATION;
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    laneDepth(api, laneA) > 0
                        && creates(s, GitHubStack.REPO) >= WRITES_PER_MINUTE - 3);

        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < B_PUSHES; i++) {
          String sha = sha('b', i);
          s.sim.putFile(REPO_B, sha, SimulatorLauncher.WORKFLOW_PATH, THREE_JOBS);
          String delivery = UUID.randomUUID().toString();
          long t0 = System.nanoTime();
          assertThat(
                  service.post("push", delivery, pushOf(REPO_B, INSTALLATION_B, sha)).statusCode())
              .isEqualTo(202);
          List<UUID> jobs =
              List.of(
                  RequestIds.of(delivery, "build"),
                  RequestIds.of(delivery, "test"),
                  RequestIds.of(delivery, "lint"));
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> published.containsAll(jobs) && runsOn(s, REPO_B, sha) == 3);
          latencies.add((System.nanoTime() - t0) / 1_000_000);
          // B was served while A's backlog waited: A's lane still holds most of its pushes.
          assertThat(laneDepth(api, laneA)).isGreaterThan(A_PUSHES / 2);
        }
        latencies.sort(Long::compare);
        // A's budget is used to the last write, and never beyond.
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> creates(s, GitHubStack.REPO) == WRITES_PER_MINUTE);
        long secondary = s.sim.calls(c -> c.fault() == Fault.Kind.SECONDARY_RATE_LIMIT).size();
        List<String> aOrder =
            s.sim.checkRuns(GitHubStack.REPO).stream()
                .sorted((x, y) -> Long.compare(x.getLong("id"), y.getLong("id")))
                .map(r -> r.getString("head_sha"))
                .toList();
        LOG.info(
            "fairness: A backlog {} pushes x 3 jobs at {} writes/min | B {} pushes served in ms:"
                + " p50={} p99={} max={} | A creates={} lane depth={} | secondary-limit answers={}"
                + " | set aside={}",
            A_PUSHES,
            WRITES_PER_MINUTE,
            B_PUSHES,
            latencies.get(latencies.size() / 2),
            latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1),
            latencies.get(latencies.size() - 1),
            aOrder.size(),
            laneDepth(api, laneA),
            secondary,
            counter(service, "solstice_intake_set_asides"));
        s.registerSecrets(LOGS);

        assertThat(secondary).isZero();
        assertThat(limit.refused()).isZero();
        assertThat(creates(s, GitHubStack.REPO)).isEqualTo(WRITES_PER_MINUTE);
        // FIFO within A: check runs appear in push order (3 per push, the last push maybe partly).
        List<Integer> pushIndex = aOrder.stream().map(aShas::indexOf).toList();
        assertThat(pushIndex).isSorted();
        assertThat(counter(service, "solstice_intake_set_asides")).isGreaterThan(A_PUSHES / 2.0);
        // setting aside is not a failed attempt
        assertThat(FaultSupport.processed(service, "set_aside")).isGreaterThan(A_PUSHES / 2.0);
        assertThat(service.registry().find("solstice_webhooks_failed").counters())
            .allMatch(c -> c.count() == 0);
        assertThat(service.broker().count(service.config().intake().deadLetterQueue())).isZero();
      } finally {
        List<String> keys = new ArrayList<>();
        api.keys(prefix + "*")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .forEach(k -> keys.add(k.toString()));
        if (!keys.isEmpty()) {
          api.del(keys).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        redis.close();
      }
    }
  }

  @Test
  void headsSupersededWhileTheyWaitInTheirLaneWriteNothing() throws Exception {
    String prefix = "solstice:test:" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("TOKEN_CACHE_KEY", FaultSupport.tokenCacheKey(LOGS));
    env.put("REDIS_KEY_PREFIX", prefix);
    env.put("GITHUB_TOKEN_CACHE_PREFIX", prefix + "token:");
    env.put("GITHUB_WRITE_BUDGET_PREFIX", prefix + "budget:");
    // Scaled down: a budget of two pushes' creates a minute, so the later pushes wait in the lane.
    env.put("GITHUB_WRITES_PER_MINUTE", "6");
    env.put("INTAKE_LANE_POLL", "50ms");
    String workflow = "cancel_superseded #true\n" + THREE_JOBS;
    try (GitHubStack s = GitHubStack.start(vertx, env, LOGS)) {
      // The first push reads its workflow slowly: the others are all set aside meanwhile.
      s.sim.inject(Fault.latency(Duration.ofSeconds(1)).times(1).on("GET", ".*/contents/.*"));
      List<String> shas = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String sha = sha('c', i);
        shas.add(sha);
        s.sim.putFile(GitHubStack.REPO, sha, SimulatorLauncher.WORKFLOW_PATH, workflow);
      }
      for (String sha : shas) {
        byte[] body = GitHubStack.pushAt(sha, "refs/heads/main");
        assertThat(s.service.post("push", UUID.randomUUID().toString(), body).statusCode())
            .isEqualTo(202);
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> runsOn(s, GitHubStack.REPO, shas.get(5)) == 3);
      long writes =
          s.sim.calls(c -> !c.method().equals("GET") && c.operation().startsWith("checks/")).size();
      LOG.info(
          "superseded in lane: {} of 6 pushes dropped before writing; check-run writes so far {}",
          turns(s.service, "superseded"),
          writes);
      s.registerSecrets(LOGS);
      for (int i = 1; i < 5; i++) {
        assertThat(runsOn(s, GitHubStack.REPO, shas.get(i))).as("push %d", i).isZero();
      }
      assertThat(runsOn(s, GitHubStack.REPO, shas.get(0))).isEqualTo(3);
      assertThat(turns(s.service, "superseded")).isEqualTo(4);
      // creates only: the first push's 3 and the last push's 3 (its cancels of the first wait for
      // the next budget minute)
      assertThat(writes).isEqualTo(6);
    }
  }

  private static void consumeJobs(ServiceHarness service, Set<UUID> published) throws Exception {
    DeliverCallback onJob =
        (tag, m) -> published.add(JobCodec.decodeRequest(m.getBody()).requestId());
    service
        .broker()
        .channel()
        .basicConsume(service.config().jobs().queue(), true, onJob, tag -> {});
  }

  static String sha(char who, int i) {
    String n = Integer.toHexString(i);
    return who == 'a' ? "a".repeat(40 - n.length()) + n : "b".repeat(40 - n.length()) + n;
  }

  /** The recorded push, for another repository of another installation at {@code sha}. */
  static byte[] pushOf(String repo, long installation, String sha) {
    JsonObject push =
        new JsonObject(io.vertx.core.buffer.Buffer.buffer(RecordedWebhooks.payload("push.json")));
    push.put("after", sha);
    push.put("ref", "refs/heads/main");
    push.getJsonObject("installation").put("id", installation);
    JsonObject r = push.getJsonObject("repository");
    r.put("full_name", repo);
    r.put("name", repo.substring(repo.indexOf('/') + 1));
    r.getJsonObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
    return push.toBuffer().getBytes();
  }

  private static long creates(GitHubStack s, String repo) {
    return s.sim.checkRuns(repo).size();
  }

  private static long runsOn(GitHubStack s, String repo, String sha) {
    return s.sim.checkRuns(repo).stream().filter(r -> sha.equals(r.getString("head_sha"))).count();
  }

  private static long laneDepth(RedisAPI api, String key) throws Exception {
    return api.zcard(key)
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS)
        .toLong();
  }

  private static double turns(ServiceHarness s, String outcome) {
    return s
        .registry()
        .find("solstice_intake_lane_turns")
        .tag("outcome", outcome)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static double counter(ServiceHarness s, String name) {
    return s.registry().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
