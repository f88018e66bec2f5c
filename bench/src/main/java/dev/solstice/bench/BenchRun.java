package dev.solstice.bench;

import dev.solstice.simulator.github.RecordedCall;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The phases, in order, and everything they start; {@link #cleanup()} undoes all of it. */
final class BenchRun {
  private static final String WEBHOOK_PATH = "/webhooks/github";

  /**
   * A second commit with the same workflow file, for the "new commit, unchanged file" economy case.
   */
  private static final String OTHER_SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

  private static final long ECONOMY_INSTALLATION = 9000;

  private final BenchOptions o;
  private final BenchTopology topology;
  private final String secret;
  private final AtomicBoolean cleaned = new AtomicBoolean();
  private final DeliveryTracker tracker = new DeliveryTracker(SimulatedGitHub.JOBS_PER_PUSH);
  private final Path work;
  private Vertx vertx;
  private SimulatedGitHub github;
  private Broker broker;
  private ChildJvm service;
  private ChildJvm bare;
  private MemorySampler sampler;
  private final List<LoadGenerator> generators = new ArrayList<>();

  BenchRun(BenchOptions options) {
    this.o = options;
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    this.topology = new BenchTopology(HexFormat.of().formatHex(b, 0, 3));
    this.secret = "bench-" + HexFormat.of().formatHex(b);
    try {
      this.work = Files.createTempDirectory("solstice-bench-");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code --only gateway}: the gateway phase alone. */
  JsonObject executeGateway() throws Exception {
    log(
        "run %s, gateway phase only, logs in %s, %d s per phase",
        topology.tag(), work, o.phaseSeconds());
    return new JsonObject()
        .put(
            "started_at",
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
        .put("command", o.commandLine())
        .put("mode", o.smoke() ? "smoke" : "full")
        .put("machine", MachineInfo.describe())
        .put("source", MachineInfo.sourceRevision())
        .put("gateway", gateway());
  }

  /**
   * The gateway phase, bounded: a wait in it that never ends (seen twice in CI's smoke runs, not
   * reproduced since) fails the run with every thread's stack in the log.
   */
  private JsonObject gateway() throws Exception {
    Duration limit =
        Duration.ofMinutes(5).plusSeconds(10L * (o.phaseSeconds() + o.warmupSeconds()));
    try (Watchdog watchdog = Watchdog.start("the gateway phase", limit)) {
      return new GatewayBench(o, topology, work).measure();
    }
  }

  JsonObject execute() throws Exception {
    JsonObject results =
        new JsonObject()
            .put(
                "started_at",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
            .put("command", o.commandLine())
            .put("mode", o.smoke() ? "smoke" : "full")
            .put("machine", MachineInfo.describe())
            .put("source", MachineInfo.sourceRevision());
    log("run %s, logs in %s, %d s per phase", topology.tag(), work, o.phaseSeconds());
    sweepLeftovers();

    vertx = Vertx.vertx();
    github = SimulatedGitHub.start(vertx);
    WebhookCorpus corpus = new WebhookCorpus(secret);
    List<WebhookCorpus.Signed> repos = corpus.repositories(o.repos());
    repos.forEach(r -> github.addRepository(r, WebhookCorpus.SHA));
    WebhookCorpus.Signed economyRepo =
        corpus.forRepository("economy", ECONOMY_INSTALLATION, WebhookCorpus.SHA);
    github.addRepository(economyRepo, WebhookCorpus.SHA);
    github.serveWorkflow(economyRepo.repository(), OTHER_SHA);
    int bodyBytes = repos.get(0).body().length();
    Path key = github.writeAppKey(work);
    results.put(
        "payload",
        new JsonObject()
            .put("source", "@octokit/webhooks-examples 7.6.1 push (compacted)")
            .put("bytes", bodyBytes)
            .put("repositories", o.repos())
            .put("jobs_per_push", SimulatedGitHub.JOBS_PER_PUSH)
            .put("workflow", SimulatedGitHub.WORKFLOW));

    // 5a. Start-up: cold starts from process start to /health/ready = 200; the last one stays up.
    // The service runs with LOG_LEVEL=WARN (logging would cost the measurement), so it does not log
    // the port it bound: this one is still picked by probing a free port.
    int port = freePort();
    int managementPort = freePort();
    Map<String, String> env = serviceEnv(port, managementPort, key);
    results.put("service_env", redacted(env));
    JsonArray startups = new JsonArray();
    for (int i = 1; i <= o.coldStarts(); i++) {
      service =
          ChildJvm.start(
              "service",
              serviceJvmOpts(),
              List.of("-jar", o.serviceJar().toString()),
              env,
              work.resolve("service-" + i + ".log"));
      double ms =
          service.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(60));
      startups.add(
          new JsonObject()
              .put("ready_ms", Math.round(ms))
              .put("rss_mib_at_ready", MemorySampler.mib(ProcStats.rssBytes(service.pid()))));
      log("service start %d: ready after %.0f ms", i, ms);
      if (i < o.coldStarts()) {
        service.close();
      }
    }
    // /metrics is on the management listener, off the webhook port
    ServiceMetrics metrics = new ServiceMetrics("http://127.0.0.1:" + managementPort);
    broker = new Broker(o.amqpUrl());
    broker.consumeJobRequests(topology.jobsQueue(), tracker);
    long brokerPid = ProcStats.brokerPid();
    sampler = new MemorySampler(service.pid(), metrics);
    Thread.sleep(2000); // idle samples after start-up

    LoadGenerator load = generator(port, repos, true);

    // 4. GitHub API economy, one delivery at a time, counted by the simulator.
    results.put(
        "economy",
        ApiEconomy.measure(
            github,
            generator(port, List.of(economyRepo), true),
            economyRepo,
            corpus.forRepository("economy", ECONOMY_INSTALLATION, OTHER_SHA)));

    // 1. The service: warm-up, HTTP maximum, end-to-end maximum, fixed rate at half of it.
    sampler.phase("warmup");
    load.closedLoop("warmup", Duration.ofSeconds(o.warmupSeconds()), o.concurrency());
    drain(true);
    int callsBefore = github.callCount();
    long jobsBefore = broker.jobRequests();
    JsonObject service1 = new JsonObject();
    Measured httpMaxRun =
        measure(
            "service-http-max",
            metrics,
            brokerPid,
            () -> load.closedLoop("service-http-max", phase(), o.concurrency()));
    long backlog = broker.depth(topology.intakeQueue());
    drain(true);
    JsonObject httpMax = httpMaxRun.finish(ensureOut()).put("intake_backlog_at_end", backlog);
    service1.put("http_max", httpMax);
    Measured e2eRun =
        measure(
            "service-e2e-max",
            metrics,
            brokerPid,
            () -> load.endToEndLoop("service-e2e-max", phase(), o.concurrency()));
    drain(false);
    JsonObject e2e = e2eRun.finish(ensureOut());
    service1.put("end_to_end_max", e2e);
    double e2eRate =
        e2e.getDouble("jobrequests_consumed_per_second") / SimulatedGitHub.JOBS_PER_PUSH;
    double maxSustained = Math.min(httpMax.getDouble("accepted_per_second"), e2eRate);
    double half = Math.max(1, maxSustained / 2);
    Measured fixedRun =
        measure(
            "service-fixed-half",
            metrics,
            brokerPid,
            () -> load.fixedRate("service-fixed-half", phase(), half));
    drain(false);
    JsonObject fixed =
        fixedRun.finish(ensureOut()).put("target_rate_per_second", PhaseStats.round(half));
    service1.put("fixed_half", fixed);
    service1.put("max_sustained_deliveries_per_second", PhaseStats.round(maxSustained));
    List<RecordedCall> allCalls = github.calls();
    service1.put(
        "github_calls_under_load",
        ApiEconomy.underLoad(allCalls.subList(callsBefore, allCalls.size()))
            .put("jobrequests", broker.jobRequests() - jobsBefore));
    service1.put("jobrequest_mean_bytes", broker.meanJobRequestBytes());
    service1.put("unmatched_jobrequests", tracker.unmatched());
    results.put("service", service1);

    // 5b. Memory under sustained load (end-to-end and fixed-rate phases), RSS peak, shutdown.
    sampler.close();
    JsonObject memory =
        new JsonObject()
            .put("jvm_options", serviceJvmOpts())
            .put("cold_starts", startups)
            .put("idle", sampler.summary(p -> p.equals("idle")))
            .put(
                "sustained_load",
                sampler.summary(p -> p.equals("service-e2e-max") || p.equals("service-fixed-half")))
            .put("http_max_load", sampler.summary(p -> p.equals("service-http-max")))
            .put("rss_peak_mib", MemorySampler.mib(ProcStats.peakRssBytes(service.pid())));
    long stopStart = System.nanoTime();
    service.close();
    memory.put("shutdown_ms", Math.round((System.nanoTime() - stopStart) / 1e6));
    results.put("memory", memory);
    sampler.writeCsv(ensureOut().resolve("memory.csv"));

    // 3. The HTTP limit: the same requests, same client, to a server that only answers 202.
    // Issue 14: installation B served while installation A has a backlog (own service process).
    results.put("fairness", fairness());

    results.put("bare", bareServer(repos, brokerPid));

    // 2. The broker's limit: PerfTest, same size, persistent, confirmed, same broker.
    log("PerfTest for %d s", o.phaseSeconds());
    results.put(
        "perftest",
        PerfTestRunner.run(
            o, topology, bodyBytes, o.phaseSeconds(), work.resolve("perftest.log"), brokerPid));

    // Issue 13: the gateway, its own service process against its own simulator.
    results.put("gateway", gateway());

    results.put(
        "simulator",
        new JsonObject()
            .put("call_log_swapped", github.callLogSwapped())
            .put("schema_violations", github.schemaViolations().size()));
    results.put(
        "finished_at", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    results.put("load_average_at_end", MachineInfo.loadAverage());
    return results;
  }

  /** The fairness phase: 300 pushes of A, then B's pushes (20, 5 in smoke mode) a second apart. */
  JsonObject fairness() throws Exception {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return FairnessPhase.run(
        vertx,
        o,
        secret,
        work,
        300,
        o.smoke() ? 5 : 20,
        Duration.ofMillis(o.smoke() ? 200 : 1000),
        Duration.ofSeconds(o.smoke() ? 0 : 90));
  }

  private Duration phase() {
    return Duration.ofSeconds(o.phaseSeconds());
  }

  private interface Phase {
    PhaseStats run() throws Exception;
  }

  /** A phase that ran; its figures are read only after the drain, once late answers stopped. */
  private record Measured(PhaseStats stats, JsonObject extras) {
    JsonObject finish(Path out) throws Exception {
      stats.writeHistograms(out);
      JsonObject r = stats.toJson().mergeIn(extras);
      log("  %s", r.encode());
      return r;
    }
  }

  /** Runs a load phase with CPU and confirmed-JobRequest accounting around its window. */
  private Measured measure(String name, ServiceMetrics metrics, long brokerPid, Phase phase)
      throws Exception {
    log("%s for %d s", name, o.phaseSeconds());
    sampler.phase(name);
    double confirmedBefore = confirmedJobRequests(metrics.scrape());
    CpuSnapshot before = CpuSnapshot.take(service.pid(), brokerPid);
    PhaseStats stats = phase.run();
    CpuSnapshot after = CpuSnapshot.take(service.pid(), brokerPid);
    double confirmedAfter = confirmedJobRequests(metrics.scrape());
    sampler.phase("drain");
    JsonObject extras =
        new JsonObject()
            .put(
                "jobrequests_confirmed_per_second",
                PhaseStats.round((confirmedAfter - confirmedBefore) / stats.windowSeconds()))
            .put("cpu", before.coresUsedUntil(after));
    return new Measured(stats, extras);
  }

  /**
   * JobRequests the broker confirmed so far, from the service's own counter; services without it
   * count deliveries published, each with every job of the workflow.
   */
  private static double confirmedJobRequests(String metricsText) {
    double n = ServiceMetrics.jobRequestsPublished(metricsText);
    return n >= 0 ? n : ServiceMetrics.published(metricsText) * SimulatedGitHub.JOBS_PER_PUSH;
  }

  private JsonObject bareServer(List<WebhookCorpus.Signed> repos, long brokerPid) throws Exception {
    bare =
        ChildJvm.start(
            "bare server",
            o.jvmOpts(),
            List.of("-cp", o.benchJar().toString(), BareServer.class.getName(), "127.0.0.1", "0"),
            Map.of(),
            work.resolve("bare.log"));
    int port = bare.awaitPort(Duration.ofSeconds(60));
    double ready = bare.awaitReady("http://127.0.0.1:" + port + "/ready", Duration.ofSeconds(60));
    LoadGenerator load = generator(port, repos, false);
    log("bare server: warm-up %d s, then %d s", o.warmupSeconds(), o.phaseSeconds());
    load.closedLoop("bare-warmup", Duration.ofSeconds(o.warmupSeconds()), o.concurrency());
    CpuSnapshot before = CpuSnapshot.take(bare.pid(), brokerPid);
    PhaseStats stats = load.closedLoop("bare-http-max", phase(), o.concurrency());
    CpuSnapshot after = CpuSnapshot.take(bare.pid(), brokerPid);
    tracker.forgetOutstanding(); // no JobRequests come from the bare server
    stats.writeHistograms(ensureOut());
    JsonObject r =
        stats
            .toJson()
            .put("cpu", before.coresUsedUntil(after))
            .put("ready_ms", Math.round(ready))
            .put("rss_peak_mib", MemorySampler.mib(ProcStats.peakRssBytes(bare.pid())));
    r.remove("jobrequest_ms_from_intended");
    r.remove("jobrequests_consumed_per_second");
    r.remove("jobrequests_of_phase");
    r.remove("deliveries_completed");
    bare.close();
    log("  %s", r.encode());
    return r;
  }

  /**
   * Waits until the intake queue is empty and no JobRequest arrived for a second. With {@code
   * purge} (after phases that outran the pipeline on purpose) the backlog is dropped first, so the
   * next phase starts from an empty queue instead of minutes of catching up.
   */
  private void drain(boolean purge) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(15, o.phaseSeconds()));
    boolean timedOut = true;
    while (System.nanoTime() < deadline) {
      if (purge) {
        broker.purge(topology.intakeQueue());
      }
      if (broker.depth(topology.intakeQueue()) == 0
          && tracker.nanosSinceLastJob() > 1_000_000_000L) {
        timedOut = false;
        break;
      }
      Thread.sleep(100);
    }
    if (timedOut) {
      log(
          "drain timed out; purging the intake queue (%d left)",
          broker.purge(topology.intakeQueue()));
      Thread.sleep(1000);
    }
    tracker.forgetOutstanding();
  }

  private LoadGenerator generator(
      int port, List<WebhookCorpus.Signed> bodies, boolean expectJobRequests) {
    LoadGenerator g =
        new LoadGenerator(
            vertx, port, WEBHOOK_PATH, bodies, tracker, o.concurrency(), expectJobRequests);
    generators.add(g);
    return g;
  }

  private String serviceJvmOpts() {
    return o.jvmOpts() + " -XX:+ExitOnOutOfMemoryError";
  }

  private Map<String, String> serviceEnv(int port, int managementPort, Path key) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_ADDR", "127.0.0.1:" + port);
    env.put("MANAGEMENT_ADDR", "127.0.0.1:" + managementPort);
    env.put("GITHUB_WEBHOOK_SECRET", secret);
    env.put("AMQP_URL", o.amqpUrl());
    env.putAll(topology.serviceEnv());
    env.put("GITHUB_API_BASE", github.baseUrl());
    env.put("GITHUB_APP_ID", Long.toString(github.appId()));
    env.put("GITHUB_APP_KEY_PATH", key.toString());
    // Bench-only: lifts GitHub's secondary-limit pacing (80 writes/min, 500/h per installation),
    // which would otherwise cap check-run creation far below what the service can do; and the
    // per-source-address webhook limit (6000/min), since every request comes from 127.0.0.1.
    env.put("GITHUB_WRITES_PER_MINUTE", "100000000");
    env.put("GITHUB_WRITES_PER_HOUR", "1000000000");
    env.put("GITHUB_WRITE_MIN_INTERVAL", "0ms");
    env.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    env.put("LOG_FORMAT", "text");
    env.put("LOG_LEVEL", "WARN");
    return env;
  }

  private static JsonObject redacted(Map<String, String> env) {
    JsonObject o = new JsonObject();
    env.forEach(
        (k, v) ->
            o.put(
                k,
                Set.of("GITHUB_WEBHOOK_SECRET").contains(k)
                    ? "(random per run)"
                    : k.equals("GITHUB_APP_KEY_PATH")
                        ? "(temporary PEM written by the bench)"
                        : Set.of("GITHUB_API_BASE", "HTTP_ADDR", "MANAGEMENT_ADDR").contains(k)
                            ? v.replaceAll(":\\d+", ":<free port>")
                            : v));
    return o;
  }

  private Path ensureOut() throws Exception {
    return Files.createDirectories(o.outDir());
  }

  private void sweepLeftovers() {
    List<List<String>> left = Broker.abandoned(BenchTopology.PREFIX);
    if (left.get(0).isEmpty() && left.get(1).isEmpty()) {
      return;
    }
    log("deleting leftovers of an earlier run: %s", left);
    try (Broker b = new Broker(o.amqpUrl())) {
      b.delete(left.get(0), left.get(1));
    } catch (Exception e) {
      log("could not delete leftovers: %s", e);
    }
  }

  /** PerfTest's own per-second lines and summary, next to the figures parsed from them. */
  void keepPerfTestOutput() throws Exception {
    Path log = work.resolve("perftest.log");
    if (Files.exists(log)) {
      Files.copy(
          log,
          ensureOut().resolve("perftest.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** After a successful run; a failed one keeps its logs (the path is printed at the start). */
  void deleteWorkDir() {
    try (var files = Files.list(work)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(work);
    } catch (Exception e) {
      log("could not delete %s: %s", work, e);
    }
  }

  /**
   * Stops every process and deletes every queue of this run; safe to call twice, from any thread.
   */
  void cleanup() {
    if (!cleaned.compareAndSet(false, true)) {
      return;
    }
    if (sampler != null) {
      sampler.close();
    }
    for (LoadGenerator g : generators) {
      try {
        g.close();
      } catch (Exception ignored) {
        // the process is ending anyway
      }
    }
    if (service != null) {
      service.close();
    }
    if (bare != null) {
      bare.close();
    }
    try (Broker b = broker != null ? broker : new Broker(o.amqpUrl())) {
      // Known names first; then whatever else the service derived from them (rabbitmqctl, by
      // prefix).
      List<String> failed = b.delete(topology.queues(), topology.exchanges());
      List<List<String>> more = Broker.leftovers(BenchTopology.PREFIX + topology.tag() + ".");
      failed.addAll(b.delete(more.get(0), more.get(1)));
      if (!failed.isEmpty()) {
        log("cleanup could not delete: %s", failed);
      }
    } catch (Exception e) {
      log(
          "cleanup: broker unreachable, queues %s* may be left: %s",
          BenchTopology.PREFIX + topology.tag(), e);
    }
    try {
      if (github != null) {
        github.close();
      }
    } catch (Exception ignored) {
      // best effort
    }
    if (vertx != null) {
      vertx.close();
    }
    try {
      Files.deleteIfExists(work.resolve("app-key.pem")); // a throwaway key, but a key
    } catch (Exception ignored) {
      // best effort
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void log(String format, Object... args) {
    System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
  }
}
