package dev.solstice.integration.github;

import static dev.solstice.integration.github.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.GitHubSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: replicas sharing one Redis (127.0.0.1:6379) share one write budget per installation;
 * together they never reserve or send more than GitHub's per-minute and per-hour limits.
 */
@ExtendWith(VertxExtension.class)
class SharedWriteBudgetIT {
  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  static final String REDIS = "redis://127.0.0.1:6379";
  static final long INST = 42;
  static final RepoRef A = new RepoRef("acme", "widgets");

  Vertx vertx;
  String prefix;
  List<RedisAPI> redises = new ArrayList<>();
  List<WebClientGitHubClient> clients = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    prefix = "solstice-test:" + UUID.randomUUID() + ":budget:";
  }

  @AfterEach
  void stop() {
    RedisAPI r = redis();
    List<String> keys = new ArrayList<>();
    await(r.keys(prefix + "*")).forEach(k -> keys.add(k.toString()));
    if (!keys.isEmpty()) {
      await(r.del(keys));
    }
    clients.forEach(WebClientGitHubClient::close);
    redises.forEach(RedisAPI::close);
  }

  /** Each replica has its own connection, as separate processes would. */
  RedisAPI redis() {
    RedisAPI api =
        RedisAPI.api(
            Redis.createClient(
                vertx, new RedisOptions().setConnectionString(REDIS).setMaxPoolWaiting(1024)));
    redises.add(api);
    return api;
  }

  @Test
  void twoReplicasReservingAtOnceKeepBothWindows() {
    MutableClock clock = new MutableClock();
    PacingPolicy policy = new PacingPolicy(10, 25, Duration.ZERO, 4);
    WriteBudget one = new RedisWriteBudget(redis(), prefix, policy, clock);
    WriteBudget two = new RedisWriteBudget(redis(), prefix, policy, clock);
    long now = clock.millis();
    List<Future<Long>> reserved = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      reserved.add(one.reserve("42", now));
      reserved.add(two.reserve("42", now));
    }
    List<Long> starts = new ArrayList<>();
    reserved.forEach(f -> starts.add(await(f)));
    starts.sort(Long::compare);

    assertThat(starts.stream().filter(s -> s <= clock.millis())).as("start now").hasSize(10);
    for (long s : starts) {
      assertThat(starts.stream().filter(t -> t > s - 60_000 && t <= s).count())
          .as("starts in the minute before %d", s)
          .isLessThanOrEqualTo(10);
      assertThat(starts.stream().filter(t -> t > s - 3_600_000 && t <= s).count())
          .as("starts in the hour before %d", s)
          .isLessThanOrEqualTo(25);
    }
    // 25 in the first hour (10 now, 10 a minute later, 5 two minutes later), the rest an hour on.
    assertThat(starts.get(24) - now).isBetween(120_000L, 121_000L);
    assertThat(starts.get(25) - now).isGreaterThanOrEqualTo(3_600_000L);

    // Another installation has its own budget.
    assertThat(await(one.reserve("43", now))).isEqualTo(now);
  }

  @Test
  void twoClientsSharingRedisSendNoMoreThanTheBudget() {
    GitHubSimulator sim = await(GitHubSimulator.start(vertx));
    try {
      sim.installation(INST, "acme/widgets");
      PacingPolicy policy = new PacingPolicy(3, 500, Duration.ZERO, 4);
      List<Future<CheckRun>> creates = new ArrayList<>();
      for (int replica = 0; replica < 2; replica++) {
        WebClientGitHubClient c =
            ClientFixture.builder(vertx, sim)
                .pacing(policy)
                .writeBudget(
                    new RedisWriteBudget(redis(), prefix, policy, java.time.Clock.systemUTC()))
                .build();
        clients.add(c);
        for (int i = 0; i < 4; i++) {
          creates.add(
              c.createCheckRun(
                  INST, A, CheckRunCreate.queued("ci", "abc", replica + "-" + i, null, null)));
        }
      }
      RedisAPI r = redis();
      // Each replica sends its installation's writes one at a time: once 3 were sent and each
      // replica holds a reservation a minute on, nothing else can start for about a minute.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> await(r.zcard(prefix + INST)).toInteger() == 5);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> created(sim) == 3 && creates.stream().filter(Future::succeeded).count() == 3);
      assertThat(created(sim)).isEqualTo(3);
      assertThat(creates.stream().filter(Future::isComplete).count()).isEqualTo(3);
      sim.secretsSeen().forEach(LOGS::secret);
      LOGS.pem(sim.app().pkcs1Pem());
    } finally {
      clients.forEach(WebClientGitHubClient::close);
      clients.clear();
      await(sim.close());
    }
  }

  private static long created(GitHubSimulator sim) {
    return sim.calls(c -> c.operation().equals("checks/create")).size();
  }
}
