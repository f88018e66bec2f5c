package dev.solstice.integration.github;

import static dev.solstice.integration.github.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.GitHubSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replicas sharing one Redis (127.0.0.1:6379) mint once; tokens are encrypted at rest. */
@ExtendWith(VertxExtension.class)
class RedisTokenCacheIT {
  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  static final String REDIS = "redis://127.0.0.1:6379";
  static final long INST = 42;
  static final RepoRef A = new RepoRef("acme", "widgets");
  static final String SHA = "abc";

  Vertx vertx;
  GitHubSimulator sim;
  String prefix;
  byte[] key;
  List<RedisAPI> redises = new ArrayList<>();
  List<WebClientGitHubClient> clients = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    sim = await(GitHubSimulator.start(vertx));
    sim.installation(INST, "acme/widgets");
    sim.putFile("acme/widgets", SHA, "ci.kdl", "x");
    prefix =
        "solstice-test:" + UUID.randomUUID() + ":"; // unique per test: parallel runs never collide
    key = new byte[32];
    new SecureRandom().nextBytes(key);
  }

  @AfterEach
  void stop() {
    sim.secretsSeen().forEach(LOGS::secret);
    LOGS.pem(sim.app().pkcs1Pem());
    LOGS.secret(java.util.Base64.getEncoder().encodeToString(key));
    RedisAPI r = redis();
    Response keys = await(r.keys(prefix + "*"));
    List<String> all = new ArrayList<>();
    keys.forEach(k -> all.add(k.toString()));
    if (!all.isEmpty()) {
      await(r.del(all));
    }
    clients.forEach(WebClientGitHubClient::close);
    redises.forEach(RedisAPI::close);
    await(sim.close());
  }

  RedisAPI redis() {
    RedisAPI api = RedisAPI.api(Redis.createClient(vertx, REDIS));
    redises.add(api);
    return api;
  }

  WebClientGitHubClient replica(byte[] cacheKey) {
    WebClientGitHubClient c =
        ClientFixture.builder(vertx, sim)
            .sharedCache(new RedisTokenCache(redis(), cacheKey, prefix, Clock.systemUTC()))
            .build();
    clients.add(c);
    return c;
  }

  @Test
  void twoReplicasMintOnce() {
    WebClientGitHubClient one = replica(key);
    WebClientGitHubClient two = replica(key);
    // A slow exchange makes the race real: both replicas miss at the same time.
    sim.inject(Fault.latency(Duration.ofMillis(300)).on("POST", "/app/installations/.*"));
    List<Future<Optional<RepoFile>>> reads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      reads.add(one.getContent(INST, A, "ci.kdl", SHA));
      reads.add(two.getContent(INST, A, "ci.kdl", SHA));
    }
    reads.forEach(f -> assertThat(await(f)).isPresent());
    assertThat(sim.mints()).isEqualTo(1);
    assertThat(
            one.metrics().registry().counter("github_token_mints_total").count()
                + two.metrics().registry().counter("github_token_mints_total").count())
        .isEqualTo(1);

    // A third replica started later reuses the shared token as well.
    assertThat(await(replica(key).getContent(INST, A, "ci.kdl", SHA))).isPresent();
    assertThat(sim.mints()).isEqualTo(1);
  }

  @Test
  void aMintLockLeftByAKilledReplicaLapsesWithinSeconds() {
    // What a replica killed between its mint and sharing the token leaves: its lock, at most one
    // lease long (it renewed it while alive).
    String tokenKey = InstallationTokenProvider.key(INST, A, TokenScope.CHECKS);
    RedisTokenCache killed = new RedisTokenCache(redis(), key, prefix, Clock.systemUTC());
    assertThat(
            await(killed.tryLock(tokenKey, "killed-replica", InstallationTokenProvider.LOCK_TTL)))
        .isTrue();
    long t0 = System.nanoTime();
    assertThat(await(replica(key).getContent(INST, A, "ci.kdl", SHA))).isPresent();
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(InstallationTokenProvider.LOCK_TTL.plusSeconds(3));
    assertThat(sim.mints()).isEqualTo(1);
  }

  @Test
  void aMintSlowerThanTheLockLeaseKeepsItsLockSoOnlyOneReplicaMints() {
    WebClientGitHubClient one = patientReplica();
    WebClientGitHubClient two = patientReplica();
    String lock = prefix + InstallationTokenProvider.key(INST, A, TokenScope.CHECKS) + ":lock";
    sim.inject(
        Fault.latency(InstallationTokenProvider.LOCK_TTL.multipliedBy(2))
            .on("POST", "/app/installations/.*"));
    Future<Optional<RepoFile>> first = one.getContent(INST, A, "ci.kdl", SHA);
    RedisAPI r = redis();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> await(r.exists(List.of(lock))).toInteger() == 1);
    Future<Optional<RepoFile>> second = two.getContent(INST, A, "ci.kdl", SHA);
    assertThat(await(first)).isPresent();
    assertThat(await(second)).isPresent();
    assertThat(sim.mints()).isEqualTo(1);
  }

  /** A replica whose GitHub calls may take longer than the mint lock's lease. */
  private WebClientGitHubClient patientReplica() {
    WebClientGitHubClient c =
        ClientFixture.builder(vertx, sim)
            .retryPolicy(
                new RetryPolicy(
                    4,
                    Duration.ofMillis(5),
                    Duration.ofMillis(20),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(15)))
            .sharedCache(new RedisTokenCache(redis(), key, prefix, Clock.systemUTC()))
            .build();
    clients.add(c);
    return c;
  }

  @Test
  void productionFactoryWithRedisUrlSharesTokens() {
    List<WebClientGitHubClient> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<String> errors = new ArrayList<>();
      GitHubSettings settings =
          GitHubSettings.fromEnv(
              java.util.Map.of(
                  "GITHUB_API_BASE", sim.baseUrl(),
                  "GITHUB_APP_ID", Long.toString(sim.app().id()),
                  "GITHUB_APP_KEY", sim.app().pkcs1Pem(),
                  "REDIS_URL", REDIS,
                  "TOKEN_CACHE_KEY", java.util.Base64.getEncoder().encodeToString(key),
                  "GITHUB_TOKEN_CACHE_PREFIX", prefix),
              errors);
      assertThat(errors).isEmpty();
      WebClientGitHubClient c = WebClientGitHubClient.create(vertx, settings, null);
      clients.add(c);
      replicas.add(c);
    }
    sim.inject(Fault.latency(Duration.ofMillis(200)).on("POST", "/app/installations/.*"));
    List<Future<Optional<RepoFile>>> reads = new ArrayList<>();
    replicas.forEach(c -> reads.add(c.getContent(INST, A, "ci.kdl", SHA)));
    reads.forEach(f -> assertThat(await(f)).isPresent());
    assertThat(sim.mints()).isEqualTo(1);
  }

  @Test
  void tokensAreEncryptedAtRest() throws Exception {
    WebClientGitHubClient one = replica(key);
    await(one.getContent(INST, A, "ci.kdl", SHA));
    String token =
        sim.secretsSeen().stream().filter(s -> s.startsWith("ghs_")).findFirst().orElseThrow();
    String stored =
        await(redis().get(prefix + InstallationTokenProvider.key(INST, A, TokenScope.CHECKS)))
            .toString();
    assertThat(stored).doesNotContain(token);
    assertThat(
            new TokenCipher(key)
                .decrypt(
                    stored, prefix + InstallationTokenProvider.key(INST, A, TokenScope.CHECKS)))
        .contains(token);
  }

  @Test
  void aReplicaWithAnotherKeyCannotReadTheTokenAndMintsItsOwn() {
    await(replica(key).getContent(INST, A, "ci.kdl", SHA));
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    await(replica(other).getContent(INST, A, "ci.kdl", SHA));
    assertThat(sim.mints()).isEqualTo(2);
  }

  @Test
  void revokedSharedTokenIsEvictedForEveryone() {
    WebClientGitHubClient one = replica(key);
    await(one.getContent(INST, A, "ci.kdl", SHA));
    sim.resetTokens();
    WebClientGitHubClient two = replica(key); // reads the revoked token from Redis
    assertThat(await(two.getContent(INST, A, "ci.kdl", SHA))).isPresent();
    assertThat(sim.mints()).isEqualTo(2);
    // replica one's local copy is stale; it gets a 401, re-reads Redis (the fresh token) or mints
    assertThat(await(one.getContent(INST, A, "ci.kdl", SHA))).isPresent();
    assertThat(sim.mints()).isEqualTo(2);
  }
}
