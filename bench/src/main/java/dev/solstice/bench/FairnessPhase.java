package dev.solstice.bench;

import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SecondaryWriteLimit;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 14's fairness figure, under GitHub's default write limit (80 content-creating requests a
 * minute per installation, 500 an hour), which the simulator enforces (403 secondary limit):
 * installation A gets a backlog of 300 pushes × 3 jobs at once; then, one after the other, pushes
 * of installation B. Measured: from each B push's POST until its 3 check runs exist and its 3
 * JobRequests reached the broker (p50/p99/max); A's check-run creates per sliding minute over the
 * phase (its drain rate against its budget); secondary-limit answers; GitHub writes per job. Its
 * own service process (Redis lanes), simulator and queues.
 */
final class FairnessPhase {
  static final int WRITES_PER_MINUTE = 80;
  static final int JOBS = 3;
  static final long INSTALLATION_A = 7001;
  static final long INSTALLATION_B = 7002;
  static final String REPO_A = "fair-org/busy";
  static final String REPO_B = "fair-org/quiet";
  static final String WORKFLOW =
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

  private FairnessPhase() {}

  /**
   * @param aPushes A's backlog
   * @param bPushes B's pushes, one after the other, {@code gap} apart
   * @param observe how long A's drain is watched after the backlog formed (at least the B pushes)
   */
  static JsonObject run(
      Vertx vertx,
      BenchOptions o,
      String secret,
      Path work,
      int aPushes,
      int bPushes,
      Duration gap,
      Duration observe)
      throws Exception {
    GitHubSimulator sim = SimulatorLauncher.on(vertx).forLoad().start();
    SecondaryWriteLimit limit = sim.secondaryWriteLimit(WRITES_PER_MINUTE, Duration.ofSeconds(59));
    sim.installation(INSTALLATION_A, REPO_A);
    sim.installation(INSTALLATION_B, REPO_B);
    BenchTopology topology =
        new BenchTopology("fair" + UUID.randomUUID().toString().substring(0, 6));
    String redisPrefix = "solstice:bench-fair:" + topology.tag() + ":";
    int port = freePort();
    int managementPort = freePort();
    Map<String, String> e = new LinkedHashMap<>();
    e.put("GITHUB_WEBHOOK_SECRET", secret);
    e.put("AMQP_URL", o.amqpUrl());
    e.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    e.put("LOG_FORMAT", "text");
    e.put("LOG_LEVEL", "INFO");
    e.putAll(topology.serviceEnv());
    e.put("HTTP_ADDR", "127.0.0.1:" + port);
    e.put("MANAGEMENT_ADDR", "127.0.0.1:" + managementPort);
    e.put("GITHUB_API_BASE", sim.baseUrl());
    e.put("GITHUB_APP_ID", Long.toString(sim.app().id()));
    e.put(
        "GITHUB_APP_KEY_PATH",
        sim.app().writePkcs1Pem(work.resolve("fair-app-key.pem")).toString());
    // GITHUB_WRITES_PER_MINUTE / _PER_HOUR unset: GitHub's defaults, 80 a minute, 500 an hour
    e.put("REDIS_URL", "redis://127.0.0.1:6379");
    e.put("REDIS_KEY_PREFIX", redisPrefix);
    byte[] tokenKey = new byte[32];
    new java.security.SecureRandom().nextBytes(tokenKey);
    e.put("TOKEN_CACHE_KEY", java.util.Base64.getEncoder().encodeToString(tokenKey));
    e.put("GITHUB_TOKEN_CACHE_PREFIX", redisPrefix + "token:");
    e.put("GITHUB_WRITE_BUDGET_PREFIX", redisPrefix + "budget:");
    Map<String, Long> published = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> jobsOf = new ConcurrentHashMap<>();
    JsonObject out = new JsonObject();
    try (Broker broker = new Broker(o.amqpUrl());
        ChildJvm service =
            ChildJvm.start(
                "fairness service",
                o.jvmOpts(),
                List.of("-jar", o.serviceJar().toString()),
                e,
                work.resolve("service-fairness.log"))) {
      service.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(60));
      broker.consumeDeliveryIds(
          topology.jobsQueue(),
          id -> {
            if (jobsOf.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == JOBS) {
              published.put(id, System.nanoTime());
            }
          });
      HttpClient http = HttpClient.newHttpClient();
      URI hook = URI.create("http://127.0.0.1:" + port + "/webhooks/github");
      WebhookCorpus corpus = new WebhookCorpus(secret);
      long start = System.nanoTime();
      for (int i = 0; i < aPushes; i++) {
        String sha = sha('a', i);
        sim.putFile(REPO_A, sha, SimulatorLauncher.WORKFLOW_PATH, WORKFLOW);
        post(http, hook, corpus, push(REPO_A, INSTALLATION_A, sha, "refs/heads/a-" + i));
      }
      BenchRun.log(
          "fairness: %d pushes of A posted in %d ms",
          aPushes, (System.nanoTime() - start) / 1_000_000);
      waitUntil(() -> runs(sim, REPO_A) >= WRITES_PER_MINUTE - JOBS, Duration.ofSeconds(60));
      List<Long> latencies = new ArrayList<>();
      long bStart = System.nanoTime();
      for (int i = 0; i < bPushes; i++) {
        String sha = sha('b', i);
        sim.putFile(REPO_B, sha, SimulatorLauncher.WORKFLOW_PATH, WORKFLOW);
        long t0 = System.nanoTime();
        String id =
            post(http, hook, corpus, push(REPO_B, INSTALLATION_B, sha, "refs/heads/b-" + i));
        boolean served =
            waitUntil(
                () -> published.containsKey(id) && runsAt(sim, REPO_B, sha) == JOBS,
                Duration.ofSeconds(60));
        latencies.add(
            served ? (Math.max(published.get(id), System.nanoTime()) - t0) / 1_000_000 : -1);
        long next = t0 + gap.toNanos();
        while (System.nanoTime() < next) {
          Thread.sleep(10);
        }
      }
      long observed = Math.max(observe.toNanos(), System.nanoTime() - bStart);
      while (System.nanoTime() - start < observed + (bStart - start)) {
        Thread.sleep(200);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<Long> ok = latencies.stream().filter(l -> l >= 0).sorted().toList();
      List<java.time.Instant> aCreates =
          sim
              .calls(
                  c ->
                      c.operation().equals("checks/create")
                          && c.status() == 201
                          && c.path().toLowerCase().startsWith("/repos/" + REPO_A + "/"))
              .stream()
              .map(c -> c.at())
              .sorted()
              .toList();
      long writes =
          sim.calls(
                  c ->
                      !c.method().equals("GET")
                          && c.installationId() != 0
                          && !c.operation().startsWith("apps/"))
              .size();
      long jobs = jobsOf.values().stream().mapToLong(AtomicInteger::get).sum();
      out.put(
              "limits",
              new JsonObject()
                  .put("writes_per_minute", WRITES_PER_MINUTE)
                  .put("writes_per_hour", 500))
          .put("a_pushes", aPushes)
          .put("jobs_per_push", JOBS)
          .put("b_pushes", bPushes)
          .put("b_served", ok.size())
          .put("b_gap_ms", gap.toMillis())
          .put("b_ms_p50", percentile(ok, 0.50))
          .put("b_ms_p99", percentile(ok, 0.99))
          .put("b_ms_max", ok.isEmpty() ? null : ok.get(ok.size() - 1))
          .put("b_ms_all", new JsonArray(latencies))
          .put("phase_seconds", PhaseStats.round(seconds))
          .put("a_check_runs_created", aCreates.size())
          .put("a_creates_max_in_any_minute", maxInWindow(aCreates, Duration.ofMinutes(1)))
          .put("a_creates_per_minute_observed", PhaseStats.round(aCreates.size() / (seconds / 60)))
          .put("a_lane_left", aPushes - aCreates.size() / JOBS)
          .put(
              "secondary_limit_answers",
              sim.calls(c -> c.fault() == Fault.Kind.SECONDARY_RATE_LIMIT).size())
          .put("secondary_limit_refused", limit.refused())
          .put("github_writes", writes)
          .put("jobrequests", jobs)
          .put("writes_per_job", jobs == 0 ? null : PhaseStats.round((double) writes / jobs));
      BenchRun.log("fairness: %s", out.encode());
      broker.delete(withSafetyQueue(topology), topology.exchanges());
    } finally {
      SimulatorLauncher.stop(sim);
    }
    return out;
  }

  private static List<String> withSafetyQueue(BenchTopology t) {
    List<String> q = new ArrayList<>(t.queues());
    q.add(t.intakeQueue() + ".retry." + Duration.ofMinutes(15).toMillis() + "ms");
    return q;
  }

  private static Long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return null;
    }
    return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p) - 1));
  }

  private static long maxInWindow(List<java.time.Instant> at, Duration window) {
    long max = 0;
    int j = 0;
    for (int i = 0; i < at.size(); i++) {
      while (at.get(j).isBefore(at.get(i).minus(window))
          || at.get(j).equals(at.get(i).minus(window))) {
        j++;
      }
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  private static long runs(GitHubSimulator sim, String repo) {
    return sim.checkRuns(repo).size();
  }

  private static long runsAt(GitHubSimulator sim, String repo, String sha) {
    return sim.checkRuns(repo).stream().filter(r -> sha.equals(r.getString("head_sha"))).count();
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean waitUntil(Check c, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (c.ok()) {
        return true;
      }
      Thread.sleep(10);
    }
    return c.ok();
  }

  /** POSTs a signed push; returns its delivery id. */
  private static String post(HttpClient http, URI hook, WebhookCorpus corpus, byte[] body)
      throws Exception {
    String id = UUID.randomUUID().toString();
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(hook)
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", id)
                .header("X-Hub-Signature-256", corpus.sign(body))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("push answered " + r.statusCode());
    }
    return id;
  }

  static String sha(char who, int i) {
    String n = Integer.toHexString(i);
    return String.valueOf(who).repeat(40 - n.length()) + n;
  }

  static byte[] push(String repo, long installation, String sha, String ref) {
    JsonObject push = new JsonObject(Buffer.buffer(RecordedWebhooks.payload("push.json")));
    push.put("after", sha);
    push.put("ref", ref);
    push.getJsonObject("installation").put("id", installation);
    JsonObject r = push.getJsonObject("repository");
    r.put("full_name", repo);
    r.put("name", repo.substring(repo.indexOf('/') + 1));
    r.getJsonObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
    return push.toBuffer().getBytes();
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
