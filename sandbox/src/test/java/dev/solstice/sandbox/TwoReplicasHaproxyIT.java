package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.orchestrator.StubOrchestratorVerticle;
import dev.solstice.orchestrator.StubSettings;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14: two service replicas as separate JVMs (one Redis, the machine's broker) behind a real
 * HAProxy (round-robin, health-checked on {@code /health/ready}), with the orchestrator stub and
 * the GitHub simulator holding {@value #INSTALLATIONS} installations. Signed deliveries go through
 * HAProxy from a pool of senders; a third of the way in one replica is killed with SIGKILL and
 * started again. Then: every delivery's JobRequests reached the stub's exchange (0 lost), each job
 * has exactly one check run (0 duplicates), each installation's token was minted at most once in
 * all, and every check run is completed, by whichever replica consumed its JobResult.
 *
 * <p>{@code -Dreplicas.deliveries=N} sets the load (default {@value #DEFAULT_DELIVERIES}); {@code
 * -Dreplicas.figures=FILE} writes the figures there (scripts/replicas-proof.sh uses both).
 *
 * <p>Not in the default suite: it takes more than a minute on a 2-vCPU machine (≈ 75 s at 240
 * deliveries, ≈ 86 s at 120; most of it the replicas' JVM starts and the restart). It runs with
 * {@code -Dreplicas.proof=true}, as scripts/replicas-proof.sh does. The defects it found (an {@code
 * in_progress} written after the completion, a run created again after a kill, a 30 s mint lock)
 * are fixed: docs/scaling.md, docs/architecture.md "Several replicas".
 */
@EnabledIfSystemProperty(named = "replicas.proof", matches = "true")
class TwoReplicasHaproxyIT {

  private static final Logger LOG = LoggerFactory.getLogger(TwoReplicasHaproxyIT.class);
  private static final int INSTALLATIONS = 12;
  private static final int DEFAULT_DELIVERIES = 240;
  private static final int JOBS_PER_PUSH = 3; // SandboxStack.DEMO_WORKFLOW
  private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MINT = Pattern.compile("/app/installations/(\\d+)/access_tokens");

  private static Vertx vertx;
  private static Path workDir;
  private static final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    assumeThat(Files.isExecutable(haproxy()))
        .as("haproxy is not installed (scripts/test.sh installs it on Debian)")
        .isTrue();
    vertx = Vertx.vertx();
    workDir = Files.createTempDirectory("solstice-replicas");
  }

  /** HAProxy and both replicas stop even when the test failed half-way. */
  @AfterAll
  static void tearDown() throws Exception {
    synchronized (children) {
      for (Process p : children) {
        p.destroyForcibly();
      }
      for (Process p : children) {
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void killingAReplicaUnderLoadLosesAndDuplicatesNothing() throws Exception {
    int n = Integer.getInteger("replicas.deliveries", DEFAULT_DELIVERIES);
    long startedAt = System.nanoTime();
    SimulatorLauncher launcher =
        SimulatorLauncher.on(vertx).forLoad(); // no API rate limit, cheap call log
    for (int i = 1; i <= INSTALLATIONS; i++) {
      launcher
          .repository(i, repo(i))
          .workflow(repo(i), SandboxStack.PUSH_SHA, SandboxStack.DEMO_WORKFLOW);
    }
    GitHubSimulator github = launcher.start();
    String prefix = "solstice:test:replicas:" + UUID.randomUUID() + ":";
    byte[] cacheKey = new byte[32];
    new SecureRandom().nextBytes(cacheKey);
    Map<String, String> overrides = new HashMap<>();
    overrides.put("REDIS_URL", "redis://127.0.0.1:6379");
    overrides.put("TOKEN_CACHE_KEY", Base64.getEncoder().encodeToString(cacheKey));
    overrides.put("REDIS_KEY_PREFIX", prefix);
    overrides.put("GITHUB_TOKEN_CACHE_PREFIX", prefix + "token:");
    overrides.put("GITHUB_WRITE_BUDGET_PREFIX", prefix + "budget:");
    overrides.put("DELIVERY_LEASE_TTL", "3s");
    overrides.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    overrides.put("INTAKE_MAX_ATTEMPTS", "30");
    overrides.put("INTAKE_RETRY_DELAYS", "500ms,1s,2s");
    overrides.put("GITHUB_WRITES_PER_MINUTE", "100000");
    overrides.put("GITHUB_WRITES_PER_HOUR", "1000000");
    overrides.put("GITHUB_API_BASE", github.baseUrl());
    overrides.put("GITHUB_APP_ID", Long.toString(github.app().id()));
    overrides.put(
        "GITHUB_APP_KEY_PATH", github.app().writePkcs1Pem(workDir.resolve("app.pem")).toString());
    Map<String, String> env = ServiceHarness.isolatedEnv(overrides);
    AppConfig config = AppConfig.fromEnv(env, List.of());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    ExecutorService senders = Executors.newFixedThreadPool(8);
    String stub = null;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestBroker.URL);
    try (TestBroker broker = new TestBroker();
        Connection admin = factory.newConnection("replicas IT admin")) {
      broker.trackAll(config);
      int portA = freePort();
      int portB = freePort();
      Replica a = Replica.start("a", portA, env, workDir);
      Replica b = Replica.start("b", portB, env, workDir);
      a.awaitReady(http);
      b.awaitReady(http);
      // The taps are bound once the replicas have declared the exchanges.
      String requestTap =
          RabbitClusterIT.tap(admin, config.jobs().exchange(), config.jobs().routingKey(), "req");
      broker.trackQueue(requestTap);
      stub =
          vertx
              .deployVerticle(new StubOrchestratorVerticle(StubSettings.fromEnv(env)))
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      int lbPort = startHaproxy(portA, portB);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> RabbitClusterIT.ready(http, lbPort) == 200);
      long readyAt = System.nanoTime();

      // 1. Load through HAProxy; a third of the way in, replica a is killed and started again.
      List<String> deliveries = new ArrayList<>();
      List<Future<?>> sends = new ArrayList<>();
      AtomicInteger accepted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      for (int i = 0; i < n; i++) {
        String id = UUID.randomUUID().toString();
        deliveries.add(id);
        byte[] body = push(1 + i % INSTALLATIONS, "refs/heads/replicas-" + i);
        sends.add(
            senders.submit(
                () ->
                    RabbitClusterIT.sendUntilAccepted(http, lbPort, id, body, accepted, refused)));
      }
      // Mid-load: a third of the deliveries have their JobRequests at the stub's exchange (so each
      // installation's token was minted and shared: a replica killed between a mint and sharing it
      // takes its token with it, and the next one is minted once the mint lock lapses, ≤ 3 s on).
      Map<UUID, Integer> requests = new HashMap<>();
      Map<String, Set<UUID>> byDelivery = new HashMap<>();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                RabbitClusterIT.drain(admin, requestTap, requests, byDelivery);
                return byDelivery.size() >= n / 3;
              });
      long killedAt = System.nanoTime();
      int acceptedAtKill = accepted.get();
      a.kill();
      Replica a2 = Replica.start("a-restarted", portA, env, workDir);
      a2.awaitReady(http);
      long downMs = (System.nanoTime() - killedAt) / 1_000_000;
      for (Future<?> f : sends) {
        f.get(180, TimeUnit.SECONDS);
      }
      long sentMs = (System.nanoTime() - readyAt) / 1_000_000;

      // 2. Settle: every job's request reached the stub's exchange, every check run completed.
      RabbitClusterIT.awaitOrReport(
          Duration.ofSeconds(Math.max(60, n / 4)),
          () -> {
            RabbitClusterIT.drain(admin, requestTap, requests, byDelivery);
            return deliveries.stream()
                    .allMatch(d -> byDelivery.getOrDefault(d, Set.of()).size() == JOBS_PER_PUSH)
                && completedRuns(github) >= (long) n * JOBS_PER_PUSH;
          });
      long settledMs = (System.nanoTime() - readyAt) / 1_000_000;
      List<JsonObject> runs = allRuns(github);
      Map<String, Long> runsPerJob =
          runs.stream()
              .collect(
                  Collectors.groupingBy(
                      r -> r.getString("external_id", ""), Collectors.counting()));
      long duplicateRuns = runsPerJob.values().stream().filter(c -> c > 1).count();
      long notCompleted =
          runs.stream().filter(r -> !"completed".equals(r.getString("status"))).count();
      long lost =
          deliveries.stream()
              .filter(d -> byDelivery.getOrDefault(d, Set.of()).size() < JOBS_PER_PUSH)
              .count();
      Map<Long, Long> mints = mintsPerInstallation(github);
      long maxMints = mints.values().stream().mapToLong(Long::longValue).max().orElse(0);
      long parked =
          broker.count(config.intake().deadLetterQueue())
              + broker.count(config.results().deadLetterQueue())
              + broker.count(config.jobs().deadLetterQueue());
      String figures =
          String.format(
              "deliveries=%d installations=%d jobs=%d | replica a killed (SIGKILL, pid %d) after"
                  + " %d accepted, down (kill to ready again) %d ms | all accepted after %d ms,"
                  + " settled after %d ms | answers other than 202 (retried): %d | lost=%d,"
                  + " check runs=%d, duplicate check runs=%d, not completed=%d, token mints=%d (max"
                  + " per installation %d), parked=%d",
              n,
              INSTALLATIONS,
              requests.size(),
              a.process.pid(),
              acceptedAtKill,
              downMs,
              sentMs,
              settledMs,
              refused.get(),
              lost,
              runs.size(),
              duplicateRuns,
              notCompleted,
              github.mints(),
              maxMints,
              parked);
      LOG.info("two replicas behind HAProxy: {}", figures);
      java.time.Instant killInstant =
          java.time.Instant.now().minusNanos(System.nanoTime() - killedAt);
      deliveries.stream()
          .filter(d -> byDelivery.getOrDefault(d, Set.of()).size() < JOBS_PER_PUSH)
          .forEach(d -> LOG.warn("delivery {}: JobRequests seen {}", d, byDelivery.get(d)));
      runs.stream()
          .filter(r -> !"completed".equals(r.getString("status")))
          .forEach(r -> LOG.warn("check run not completed: {}", r.encode()));
      github
          .calls(
              c ->
                  c.operation().equals("apps/create-installation-access-token")
                      && c.status() == 201)
          .forEach(
              c ->
                  LOG.info(
                      "token mint {} at {} ms from the kill",
                      c.path(),
                      Duration.between(killInstant, c.at()).toMillis()));
      writeFigures(
          n,
          lost,
          duplicateRuns,
          notCompleted,
          github.mints(),
          maxMints,
          downMs,
          sentMs,
          settledMs,
          refused.get(),
          (System.nanoTime() - startedAt) / 1_000_000);

      assertThat(lost).as("deliveries whose JobRequests did not all reach the stub").isZero();
      assertThat(requests).hasSize(n * JOBS_PER_PUSH);
      assertThat(duplicateRuns).as("jobs with more than one check run").isZero();
      assertThat(runs).as("check runs, one per job").hasSize(n * JOBS_PER_PUSH);
      assertThat(notCompleted).as("check runs not completed").isZero();
      assertThat(mints)
          .as("token mints per installation")
          .allSatisfy((i, c) -> assertThat(c).isLessThanOrEqualTo(1));
      assertThat(parked).as("messages parked in the intake, results and jobs DLQs").isZero();
    } finally {
      senders.shutdownNow();
      if (stub != null) {
        vertx.undeploy(stub).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      tearDownChildren();
      SimulatorLauncher.stop(github);
    }
  }

  private static String repo(int installation) {
    return "replica-org-" + installation + "/app";
  }

  private static byte[] push(int installation, String ref) throws IOException {
    ObjectNode body = (ObjectNode) JSON.readTree(RabbitClusterIT.push(ref));
    String repo = repo(installation);
    ((ObjectNode) body.with("installation")).put("id", installation);
    ObjectNode repository = (ObjectNode) body.with("repository");
    repository.put("full_name", repo);
    repository.put("name", repo.substring(repo.indexOf('/') + 1));
    ((ObjectNode) repository.with("owner")).put("login", repo.substring(0, repo.indexOf('/')));
    ((ObjectNode) repository.with("owner")).put("name", repo.substring(0, repo.indexOf('/')));
    return JSON.writeValueAsBytes(body);
  }

  private static List<JsonObject> allRuns(GitHubSimulator github) {
    List<JsonObject> runs = new ArrayList<>();
    for (int i = 1; i <= INSTALLATIONS; i++) {
      runs.addAll(github.checkRuns(repo(i)));
    }
    return runs;
  }

  private static long completedRuns(GitHubSimulator github) {
    return allRuns(github).stream().filter(r -> "completed".equals(r.getString("status"))).count();
  }

  private static Map<Long, Long> mintsPerInstallation(GitHubSimulator github) {
    Map<Long, Long> out = new TreeMap<>();
    for (RecordedCall c :
        github.calls(
            c ->
                c.operation().equals("apps/create-installation-access-token")
                    && c.status() == 201)) {
      Matcher m = MINT.matcher(c.path());
      assertThat(m.find()).as(c.path()).isTrue();
      out.merge(Long.parseLong(m.group(1)), 1L, Long::sum);
    }
    return out;
  }

  /** HAProxy from Debian's package, round-robin over both replicas, health-checked. */
  private static int startHaproxy(int portA, int portB) throws IOException {
    int port = freePort();
    Path cfg = workDir.resolve("haproxy.cfg");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "global",
            "  maxconn 1024",
            "defaults",
            "  mode http",
            "  timeout connect 2s",
            "  timeout client 30s",
            "  timeout server 30s",
            "  retries 2",
            "  option redispatch",
            "frontend webhooks",
            "  bind 127.0.0.1:" + port,
            "  default_backend replicas",
            "backend replicas",
            "  balance roundrobin",
            "  option httpchk GET /health/ready",
            "  http-check expect status 200",
            "  default-server inter 300ms fall 2 rise 1",
            "  server a 127.0.0.1:" + portA + " check",
            "  server b 127.0.0.1:" + portB + " check",
            ""),
        StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(haproxy().toString(), "-db", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("haproxy.log").toFile())
            .start();
    track(p);
    return port;
  }

  private static Path haproxy() {
    return Files.isExecutable(HAPROXY) ? HAPROXY : Path.of("/usr/bin/haproxy");
  }

  private static void track(Process p) {
    synchronized (children) {
      children.add(p);
    }
  }

  private static void tearDownChildren() throws InterruptedException {
    synchronized (children) {
      for (Process p : children) {
        p.destroyForcibly();
      }
      for (Process p : children) {
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * A port free now; a replica binds it itself, and binds it again after its restart (HAProxy's
   * server line names it).
   */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void writeFigures(
      int n,
      long lost,
      long duplicates,
      long notCompleted,
      long mints,
      long maxMints,
      long downMs,
      long sentMs,
      long settledMs,
      int refused,
      long totalMs)
      throws IOException {
    String file = System.getProperty("replicas.figures");
    if (file == null || file.isBlank()) {
      return;
    }
    String table =
        String.join(
            "\n",
            "| figure | value |",
            "|---|---|",
            "| deliveries (push, 3 jobs each) | " + n + " |",
            "| installations | " + INSTALLATIONS + " |",
            "| lost deliveries | " + lost + " |",
            "| duplicate check runs | " + duplicates + " |",
            "| check runs not completed | " + notCompleted + " |",
            "| token mints in all (most for one installation) | " + mints + " (" + maxMints + ") |",
            "| killed replica down (SIGKILL to ready again) | " + downMs + " ms |",
            "| answers other than 202 through HAProxy (sender retried) | " + refused + " |",
            "| all deliveries accepted after | " + sentMs + " ms |",
            "| every check run completed after | " + settledMs + " ms |",
            "| whole test (simulator, JVMs, HAProxy, load) | " + totalMs + " ms |",
            "");
    Files.writeString(Path.of(file), table, StandardCharsets.UTF_8);
  }

  /** A service replica: {@code java -jar github-integration.jar}, or its Main on this classpath. */
  private record Replica(String name, int port, Process process, Path log) {

    static Replica start(String name, int port, Map<String, String> env, Path dir)
        throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      Path jar = serviceJar();
      if (jar != null) {
        cmd.addAll(List.of("-jar", jar.toString()));
      } else {
        cmd.addAll(
            List.of("-cp", System.getProperty("java.class.path"), "dev.solstice.integration.Main"));
      }
      Path log = dir.resolve("replica-" + name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> childEnv = pb.environment();
      childEnv.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TMPDIR", "TZ"));
      childEnv.putAll(env);
      childEnv.put("HTTP_ADDR", "127.0.0.1:" + port);
      Process p = pb.start();
      track(p);
      LOG.info(
          "replica {} pid {} on port {} ({})",
          name,
          p.pid(),
          port,
          jar == null ? "classpath" : jar);
      return new Replica(name, port, p, log);
    }

    void awaitReady(HttpClient http) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "replica " + name + " exited: " + Files.readString(log));
                }
                return RabbitClusterIT.ready(http, port) == 200;
              });
    }

    /** SIGKILL to the JVM itself (no wrapper in between): no shutdown hook, no drain. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("replica " + name + " gone").isTrue();
      LOG.info("replica {} killed: exit {}", name, process.exitValue());
    }

    /** The runnable jar github-integration's package phase built in this reactor, if any. */
    private static Path serviceJar() {
      Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
      for (Path d = dir; d != null; d = d.getParent()) {
        Path jar = d.resolve("github-integration/target/github-integration.jar");
        if (Files.isRegularFile(jar)) {
          return jar;
        }
      }
      return null;
    }
  }
}
