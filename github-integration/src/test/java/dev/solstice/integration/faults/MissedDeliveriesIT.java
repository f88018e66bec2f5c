package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.github.PacingPolicy;
import dev.solstice.integration.github.RetryPolicy;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.intake.InMemoryDeliveryLedger;
import dev.solstice.integration.recovery.CheckpointStore;
import dev.solstice.integration.recovery.MissedDeliveryJob;
import dev.solstice.integration.recovery.MissedDeliverySettings;
import dev.solstice.simulator.github.GitHubSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The missed-delivery job against the GitHub simulator's delivery log (real HTTP, App JWT, cursor
 * pages of 100): which deliveries it asks GitHub to redeliver, and that it pages back only to its
 * checkpoint, kept in Redis across restarts.
 */
class MissedDeliveriesIT {

  private static final Logger LOG = LoggerFactory.getLogger(MissedDeliveriesIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  /** One clock for the simulator (delivered_at, JWT checks), the client (JWTs) and the job. */
  static final class Shifted extends Clock {
    volatile Instant now = Instant.now();

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private Vertx vertx;
  private GitHubSimulator sim;
  private WebClientGitHubClient github;
  private final Shifted clock = new Shifted();
  private final Instant t0 = Instant.now().minusSeconds(600);

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = await(GitHubSimulator.start(vertx));
    sim.clock(clock);
    LOGS.pem(sim.app().pkcs1Pem());
    github =
        WebClientGitHubClient.builder(vertx)
            .apiBase(sim.baseUrl())
            .app(sim.app().id(), sim.app().privateKey())
            .clock(clock)
            .retryPolicy(
                new RetryPolicy(
                    3,
                    Duration.ofMillis(5),
                    Duration.ofMillis(20),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5)))
            .pacing(new PacingPolicy(100_000, 100_000, Duration.ZERO, 8))
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    sim.secretsSeen().forEach(LOGS::secret);
    github.close();
    await(sim.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private MissedDeliveryJob job(InMemoryDeliveryLedger ledger, CheckpointStore store) {
    return job(ledger, store, 50);
  }

  private MissedDeliveryJob job(
      InMemoryDeliveryLedger ledger, CheckpointStore store, int maxPages) {
    return new MissedDeliveryJob(
        vertx,
        github,
        ledger,
        store,
        new MissedDeliverySettings(true, Duration.ofMinutes(10), Duration.ofHours(6), 3, maxPages),
        clock,
        new SimpleMeterRegistry());
  }

  private long at(Instant when, String guid, int status, boolean redelivery) {
    clock.now = when;
    return sim.addHookDelivery(guid, "push", null, status, redelivery);
  }

  @Test
  void redeliversOnlyWhatNeverReachedUsAndPagesBackOnlyToItsCheckpoint() throws Exception {
    // 300 old deliveries that went fine, then the interesting ones.
    for (int i = 0; i < 300; i++) {
      at(t0.minus(Duration.ofHours(3)), UUID.randomUUID().toString(), 202, false);
    }
    Instant t = t0.minus(Duration.ofHours(2));
    String ok = UUID.randomUUID().toString();
    at(t, ok, 202, false);
    String failed = UUID.randomUUID().toString();
    long failedAttempt = at(t, failed, 503, false);
    String recovered = UUID.randomUUID().toString();
    at(t, recovered, 503, false);
    at(t.plusSeconds(60), recovered, 202, true);
    String refused = UUID.randomUUID().toString();
    at(t, refused, 401, false);
    String timedOut = UUID.randomUUID().toString();
    at(t, timedOut, 0, false);
    long timedOutAgain = at(t.plusSeconds(30), timedOut, 0, true);
    String processed = UUID.randomUUID().toString();
    at(t, processed, 503, false);
    String hopeless = UUID.randomUUID().toString();
    at(t, hopeless, 502, false);
    for (int i = 0; i < 3; i++) {
      at(t.plusSeconds(10 + i), hopeless, 502, true);
    }
    InMemoryDeliveryLedger ledger =
        new InMemoryDeliveryLedger(Duration.ofDays(7), 1000, Clock.systemUTC());
    await(ledger.markDone(processed)); // it reached us; only the answer got lost
    CheckpointStore store = CheckpointStore.inMemory();

    clock.now = t0;
    long listsBefore = sim.count("apps/list-webhook-deliveries");
    MissedDeliveryJob.Report first = await(job(ledger, store).runOnce());
    long firstPages = sim.count("apps/list-webhook-deliveries") - listsBefore;

    assertThat(first.redelivered()).containsExactlyInAnyOrder(failedAttempt, timedOutAgain);
    assertThat(sim.redelivered()).containsExactlyInAnyOrder(failedAttempt, timedOutAgain);
    assertThat(first.alreadyProcessed()).isEqualTo(1);
    assertThat(first.gaveUp()).isEqualTo(1);
    assertThat(first.pages()).isEqualTo(4).isEqualTo((int) firstPages);
    assertThat(first.attempts()).isEqualTo(312);

    // GitHub performs the two redeliveries (they reach us: OK); two new deliveries fail later.
    at(t0.plusSeconds(5), failed, 202, true);
    at(t0.plusSeconds(5), timedOut, 202, true);
    String lateFailure = UUID.randomUUID().toString();
    long lateAttempt = at(t0.plus(Duration.ofHours(1)), lateFailure, 503, false);
    clock.now = t0.plus(Duration.ofHours(1));
    listsBefore = sim.count("apps/list-webhook-deliveries");
    MissedDeliveryJob.Report second = await(job(ledger, store).runOnce());
    long secondPages = sim.count("apps/list-webhook-deliveries") - listsBefore;

    assertThat(second.redelivered()).containsExactly(lateAttempt);
    assertThat(secondPages).as("pages read back to the checkpoint").isEqualTo(1);
    assertThat(sim.redelivered()).hasSize(3);
    LOG.info(
        "missed deliveries: run 1 read {} pages / {} attempts / {} deliveries, redelivered {}, already processed {},"
            + " gave up {}; run 2 read {} page(s), redelivered {}",
        first.pages(),
        first.attempts(),
        first.guids(),
        first.redelivered().size(),
        first.alreadyProcessed(),
        first.gaveUp(),
        secondPages,
        second.redelivered().size());
  }

  @Test
  void aRunStoppedAtMaxPagesMovesTheCheckpointOnlyOverWhatItReadAndTheNextResumesThere()
      throws Exception {
    Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
    RedisAPI api = RedisAPI.api(redis);
    String prefix = "solstice:test:" + UUID.randomUUID() + ":";
    try {
      Instant checkpoint = t0.minus(Duration.ofHours(4));
      await(CheckpointStore.redis(api, prefix).checkpoint(checkpoint));
      // The outage: the oldest failure lies 5 pages back, beyond MISSED_DELIVERIES_MAX_PAGES = 2.
      String oldFailure = UUID.randomUUID().toString();
      long oldAttempt = at(t0.minus(Duration.ofHours(3)), oldFailure, 503, false);
      for (int i = 0; i < 450; i++) {
        at(t0.minus(Duration.ofHours(2)).plusSeconds(i), UUID.randomUUID().toString(), 202, false);
      }
      String newFailure = UUID.randomUUID().toString();
      long newAttempt = at(t0.minus(Duration.ofMinutes(30)), newFailure, 502, false);
      InMemoryDeliveryLedger ledger =
          new InMemoryDeliveryLedger(Duration.ofDays(7), 1000, Clock.systemUTC());
      clock.now = t0;

      // Run 1 reads the 2 newest pages: the checkpoint stays, the place it stopped is kept.
      MissedDeliveryJob.Report first =
          await(job(ledger, CheckpointStore.redis(api, prefix), 2).runOnce());
      assertThat(first.pages()).isEqualTo(2);
      assertThat(first.complete()).isFalse();
      assertThat(first.redelivered()).containsExactly(newAttempt);
      assertThat(await(api.get(prefix + "checkpoint")).toLong())
          .as("checkpoint not moved over the 3 pages left unread")
          .isEqualTo(checkpoint.getEpochSecond());
      at(t0.plusSeconds(1), newFailure, 202, true); // GitHub performed the redelivery
      clock.now = t0.plusSeconds(60);

      // Run 2 (a new process) continues at page 3, not at the top; run 3 reaches the old failure.
      long before = sim.count("apps/list-webhook-deliveries");
      MissedDeliveryJob.Report second =
          await(job(ledger, CheckpointStore.redis(api, prefix), 2).runOnce());
      assertThat(second.pages()).isEqualTo(2);
      assertThat(second.complete()).isFalse();
      assertThat(second.redelivered()).isEmpty();
      MissedDeliveryJob.Report third =
          await(job(ledger, CheckpointStore.redis(api, prefix), 2).runOnce());
      assertThat(third.pages()).isEqualTo(1);
      assertThat(third.complete()).isTrue();
      assertThat(third.redelivered()).containsExactly(oldAttempt);
      assertThat(sim.count("apps/list-webhook-deliveries") - before)
          .as("pages 3 to 5 read once each")
          .isEqualTo(3);
      assertThat(sim.redelivered()).containsExactlyInAnyOrder(newAttempt, oldAttempt);
      assertThat(await(api.get(prefix + "checkpoint")).toLong())
          .as("checkpoint now at the newest delivery run 1 read")
          .isEqualTo(t0.minus(Duration.ofMinutes(30)).getEpochSecond());
      assertThat(await(api.get(prefix + "resume"))).isNull();

      // Caught up: the next run reads only from the top back to the checkpoint.
      before = sim.count("apps/list-webhook-deliveries");
      MissedDeliveryJob.Report fourth =
          await(job(ledger, CheckpointStore.redis(api, prefix), 2).runOnce());
      assertThat(fourth.complete()).isTrue();
      assertThat(sim.count("apps/list-webhook-deliveries") - before).isEqualTo(1);
      assertThat(sim.redelivered()).hasSize(2);
    } finally {
      await(api.del(List.of(prefix + "checkpoint", prefix + "lease", prefix + "resume")));
      redis.close();
    }
  }

  @Test
  void checkpointAndLeaseLiveInRedisAcrossRestarts() throws Exception {
    for (int i = 0; i < 250; i++) {
      at(t0.minus(Duration.ofHours(3)), UUID.randomUUID().toString(), 202, false);
    }
    at(t0.minus(Duration.ofHours(1)), UUID.randomUUID().toString(), 202, false);
    Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
    RedisAPI api = RedisAPI.api(redis);
    String prefix = "solstice:test:" + UUID.randomUUID() + ":";
    try {
      InMemoryDeliveryLedger ledger =
          new InMemoryDeliveryLedger(Duration.ofDays(7), 1000, Clock.systemUTC());
      clock.now = t0;
      long before = sim.count("apps/list-webhook-deliveries");
      await(job(ledger, CheckpointStore.redis(api, prefix)).runOnce());
      long firstPages = sim.count("apps/list-webhook-deliveries") - before;
      assertThat(await(api.get(prefix + "checkpoint")).toLong())
          .isEqualTo(t0.minus(Duration.ofHours(1)).getEpochSecond());

      // A new process (new job, new store object, same Redis): reads one page, not three.
      before = sim.count("apps/list-webhook-deliveries");
      await(job(ledger, CheckpointStore.redis(api, prefix)).runOnce());
      assertThat(firstPages).isEqualTo(3);
      assertThat(sim.count("apps/list-webhook-deliveries") - before).isEqualTo(1);

      // While another replica holds the lease, a run is skipped.
      CheckpointStore other = CheckpointStore.redis(api, prefix);
      assertThat(await(other.tryLease(Duration.ofSeconds(30)))).isTrue();
      MissedDeliveryJob.Report skipped =
          await(job(ledger, CheckpointStore.redis(api, prefix)).runOnce());
      assertThat(skipped.ran()).isFalse();
      await(other.releaseLease());
    } finally {
      List<String> keys = new ArrayList<>(List.of(prefix + "checkpoint", prefix + "lease"));
      await(api.del(keys));
      redis.close();
    }
  }
}
