package dev.solstice.bench;

import dev.solstice.platform.config.HelpOption;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench.sh --only intake}: the service's webhook front door next to the usual Node
 * one, the bare HTTP servers and the broker's own limit, all driven by the same external load
 * generator (Debian's wrk, {@code bench/wrk/signed-push.lua}) on the same broker in one run:
 *
 * <ol>
 *   <li>bare node:http answering 202 ({@code bench/node-peer/server.mjs bare})
 *   <li>bare Vert.x answering 202 ({@link BareServer})
 *   <li>@octokit/webhooks 14 verify + dispatch ({@code server.mjs octokit})
 *   <li>@octokit/webhooks 14 + amqplib confirm channel, persistent publish before the 2xx ({@code
 *       server.mjs octokit-amqp})
 *   <li>github-integration (durable intake publish before the 202; its intake consumer turns the
 *       deliveries into JobRequests against the GitHub simulator in this JVM)
 *   <li>RabbitMQ PerfTest, same message size, persistent, confirms, as many in flight as wrk's
 *       connections
 * </ol>
 *
 * Prints the ratios and writes them between the {@code bench-intake:} markers of docs/benchmarks.md
 * (smoke: bench/target/bench-intake/). Without node the Node rows are skipped; without wrk nothing
 * runs (a message says so). A benchmark: it never fails on a number.
 */
public final class IntakeComparison {

  static final String BEGIN =
      "<!-- bench-intake:begin (written by scripts/bench.sh --only intake: rerun it rather than editing) -->";
  static final String END = "<!-- bench-intake:end -->";
  private static final Pattern WRK_RESULT = Pattern.compile("wrk-result (\\{.*})");

  @Command(name = "intake-comparison")
  static final class Flags {
    @Option(names = "--smoke", description = "2 s per phase, results in bench/target/bench-intake")
    boolean smoke;

    @Option(names = "--duration", paramLabel = "SECONDS")
    Integer duration;

    @Option(names = "--warmup", paramLabel = "SECONDS")
    Integer warmup;

    @Option(
        names = "--jvm-warmup",
        paramLabel = "SECONDS",
        description =
            "warm-up of the JVM rows (bare Vert.x, the service) [--warmup; full mode: at least 30]:"
                + " on a crowded machine the JIT needs far longer than node's")
    Integer jvmWarmup;

    @Option(names = "--threads")
    int threads = 2;

    @Option(names = "--connections")
    int connections = 64;

    @Option(names = "--repos")
    int repos = 64;

    @Option(names = "--amqp-url")
    String amqp = "amqp://guest:guest@127.0.0.1:5672/%2f";

    @Option(names = "--service-jar")
    Path serviceJar = Path.of("github-integration/target/github-integration.jar");

    @Option(names = "--bench-jar")
    Path benchJar = Path.of("bench/target/solstice-bench.jar");

    @Option(names = "--node-peer")
    Path nodePeer = Path.of("bench/node-peer");

    @Option(names = "--wrk-script")
    Path wrkScript = Path.of("bench/wrk/signed-push.lua");

    @Option(names = "--no-node", description = "skip the Node rows")
    boolean noNode;

    @Option(names = "--fronts", split = ",", description = "only these rows (ids as in results)")
    List<String> fronts;

    @Option(names = "--out")
    Path out;

    @Option(names = "--doc")
    Path doc;

    @Option(names = "--jvm-opts")
    String jvmOpts = "-Xmx512m";

    @Option(names = "--service-jvm-opts", description = "added to the service's JVM options")
    String serviceJvmOpts = "";

    @Option(names = "--env", description = "KEY=VALUE for the service (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(
        names = "--profile",
        description =
            "async-profiler's libasyncProfiler.so: the service is profiled (CPU) over the measured"
                + " window, collapsed stacks to OUT/profile-LABEL.collapsed")
    Path profiler;

    @Option(names = "--profile-event", description = "cpu, itimer, wall or alloc [cpu]")
    String profileEvent = "cpu";

    @Option(names = "--label", description = "names the run in the output file (results-LABEL)")
    String label;

    @Option(names = "--command")
    String command;

    @Option(
        names = "--render",
        description = "only re-render the docs from a results.json (no load)")
    Path render;

    @Mixin HelpOption help;
  }

  private final Flags f;
  private final Path work;
  private final Path outDir;
  private final int seconds;
  private final int warmup;
  private final int jvmWarmup;
  private final String secret;
  private final BenchTopology topology;
  private final List<AutoCloseable> open = new ArrayList<>();

  private IntakeComparison(Flags f) throws IOException {
    this.f = f;
    this.work = Files.createTempDirectory("solstice-intake-");
    this.outDir =
        f.out != null
            ? f.out
            : Path.of(f.smoke ? "bench/target/bench-intake" : "docs/bench/intake");
    this.seconds = f.duration != null ? f.duration : f.smoke ? 2 : 15;
    this.warmup = f.warmup != null ? f.warmup : f.smoke ? 1 : 5;
    this.jvmWarmup = f.jvmWarmup != null ? f.jvmWarmup : f.smoke ? warmup : Math.max(warmup, 30);
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    this.topology = new BenchTopology("i" + HexFormat.of().formatHex(b, 0, 3));
    this.secret = "bench-" + HexFormat.of().formatHex(b);
  }

  public static void main(String[] args) {
    Flags f = new Flags();
    try {
      new CommandLine(f).setExpandAtFiles(false).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
    if (f.help.requested()) {
      new CommandLine(f).usage(System.out);
      return;
    }
    if (f.command == null) {
      f.command = "scripts/bench.sh --only intake " + String.join(" ", args);
    }
    if (f.render != null) {
      try {
        Path doc = f.doc != null ? f.doc : Path.of("docs/benchmarks.md");
        splice(doc, IntakeReport.render(new JsonObject(Files.readString(f.render))));
        System.out.println("rendered " + f.render + " into " + doc);
        return;
      } catch (IOException e) {
        System.err.println("cannot render " + f.render + ": " + e);
        System.exit(1);
      }
    }
    int exit = 0;
    IntakeComparison run = null;
    try {
      run = new IntakeComparison(f);
      IntakeComparison r = run;
      Runtime.getRuntime().addShutdownHook(new Thread(r::cleanup, "intake-cleanup"));
      run.execute();
    } catch (Exception e) {
      System.err.println("intake comparison failed: " + e);
      e.printStackTrace();
      exit = 1;
    } finally {
      if (run != null) {
        run.cleanup();
      }
    }
    System.exit(exit);
  }

  private boolean wanted(String id) {
    return f.fronts == null || f.fronts.contains(id);
  }

  private void execute() throws Exception {
    JsonObject results =
        new JsonObject()
            .put("started_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
            .put("command", f.command)
            .put("machine", MachineInfo.describe())
            .put("source", MachineInfo.sourceRevision())
            .put("load_average_at_start", MachineInfo.loadAverage())
            .put(
                "wrk",
                new JsonObject()
                    .put("threads", f.threads)
                    .put("connections", f.connections)
                    .put("warmup_seconds", warmup)
                    .put("jvm_warmup_seconds", jvmWarmup)
                    .put("seconds", seconds));
    Vertx vertx = Vertx.vertx();
    open.add(
        () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    SimulatedGitHub github = SimulatedGitHub.start(vertx);
    open.add(github);
    WebhookCorpus corpus = new WebhookCorpus(secret);
    List<WebhookCorpus.Signed> repos = corpus.repositories(f.repos);
    repos.forEach(r -> github.addRepository(r, WebhookCorpus.SHA));
    Path bodies = Files.createDirectories(work.resolve("bodies"));
    StringBuilder sigs = new StringBuilder();
    for (int i = 0; i < repos.size(); i++) {
      Files.write(bodies.resolve("body-" + i + ".json"), repos.get(i).body().getBytes());
      sigs.append(repos.get(i).signature()).append('\n');
    }
    Files.writeString(bodies.resolve("signatures.txt"), sigs);
    int bodyBytes = repos.get(0).body().length();
    results.put(
        "payload",
        new JsonObject()
            .put("source", "@octokit/webhooks-examples push (compacted, repository rewritten)")
            .put("bytes", bodyBytes)
            .put("repositories", f.repos));
    Broker broker = new Broker(f.amqp);
    open.add(broker);
    open.add(
        () -> {
          try (Broker b = new Broker(f.amqp)) {
            List<String> queues = new ArrayList<>(topology.queues());
            queues.add(topology.name("node"));
            List<String> exchanges = new ArrayList<>(topology.exchanges());
            exchanges.add(topology.name("node"));
            b.delete(queues, exchanges);
          }
        });
    long brokerPid = ProcStats.brokerPid();
    boolean node = !f.noNode && Files.isDirectory(f.nodePeer.resolve("node_modules"));
    if (!node) {
      log("no Node peer (%s/node_modules missing or --no-node): its rows are skipped", f.nodePeer);
    }

    JsonObject fronts = new JsonObject();
    if (node && wanted("node_bare")) {
      fronts.put("node_bare", nodePhase("bare", bodies, brokerPid));
    }
    if (wanted("vertx_bare")) {
      fronts.put("vertx_bare", vertxBare(bodies, brokerPid));
    }
    if (node && wanted("octokit")) {
      fronts.put("octokit", nodePhase("octokit", bodies, brokerPid));
    }
    if (node && wanted("octokit_amqp")) {
      fronts.put("octokit_amqp", nodePhase("octokit-amqp", bodies, brokerPid));
    }
    if (wanted("service")) {
      fronts.put("service", service(vertx, github, broker, bodies, brokerPid));
    }
    if (wanted("startup")) {
      log("start to ready, without and with AppCDS");
      results.put("startup", startup(github, bodies));
    }
    if (wanted("perftest")) {
      log("PerfTest for %d s", seconds);
      BenchOptions po =
          BenchOptions.parse(
              new String[] {
                "--concurrency",
                Integer.toString(f.connections),
                "--amqp-url",
                f.amqp,
                "--bench-jar",
                f.benchJar.toString(),
                "--jvm-opts",
                f.jvmOpts
              });
      fronts.put(
          "perftest",
          PerfTestRunner.run(
              po, topology, bodyBytes, seconds + warmup, work.resolve("perftest.log"), brokerPid));
    }
    results.put("fronts", fronts);
    Files.createDirectories(outDir);
    for (String log : List.of("perftest.log", "service.log")) {
      if (Files.exists(work.resolve(log))) {
        Files.copy(
            work.resolve(log),
            outDir.resolve(log),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    results.put("finished_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    results.put("load_average_at_end", MachineInfo.loadAverage());

    Files.createDirectories(outDir);
    String name = f.label == null ? "results.json" : "results-" + f.label + ".json";
    Files.writeString(outDir.resolve(name), results.encodePrettily() + "\n");
    String table = IntakeReport.render(results);
    System.out.println(table);
    if (f.fronts == null && f.label == null) {
      Path doc =
          f.doc != null
              ? f.doc
              : f.smoke ? outDir.resolve("benchmarks.md") : Path.of("docs/benchmarks.md");
      splice(doc, table);
      log("wrote %s and %s", outDir.resolve(name), doc);
    } else {
      log("wrote %s (a partial or labelled run: docs left alone)", outDir.resolve(name));
    }
  }

  // --- the rows ----------------------------------------------------------------------------

  private JsonObject nodePhase(String mode, Path bodies, long brokerPid) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PORT", "0");
    env.put("WEBHOOK_SECRET", secret);
    env.put("AMQP_URL", f.amqp);
    env.put("AMQP_EXCHANGE", topology.name("node"));
    env.put("AMQP_QUEUE", topology.name("node"));
    Path log = work.resolve("node-" + mode + ".log");
    Process p = start(List.of("node", f.nodePeer.resolve("server.mjs").toString(), mode), env, log);
    try {
      int port = awaitPort(p, log);
      JsonObject r = drive("node " + mode, port, bodies, p.pid(), brokerPid, warmup);
      r.put("rss_mib", MemorySampler.mib(ProcStats.rssBytes(p.pid())));
      if (mode.equals("octokit-amqp")) {
        r.put("broker_queue_depth_after", depthOf(topology.name("node")));
      }
      return r;
    } finally {
      stop(p);
    }
  }

  private long depthOf(String queue) {
    try (Broker b = new Broker(f.amqp)) {
      return b.depth(queue);
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonObject vertxBare(Path bodies, long brokerPid) throws Exception {
    Path log = work.resolve("vertx-bare.log");
    try (ChildJvm bare =
        ChildJvm.start(
            "bare server",
            f.jvmOpts,
            List.of("-cp", f.benchJar.toString(), BareServer.class.getName(), "127.0.0.1", "0"),
            Map.of(),
            log)) {
      int port = bare.awaitPort(Duration.ofSeconds(60));
      JsonObject r = drive("bare Vert.x", port, bodies, bare.pid(), brokerPid, jvmWarmup);
      r.put("rss_mib", MemorySampler.mib(ProcStats.rssBytes(bare.pid())));
      return r;
    }
  }

  private JsonObject service(
      Vertx vertx, SimulatedGitHub github, Broker broker, Path bodies, long brokerPid)
      throws Exception {
    int port = freePort();
    int management = freePort();
    Map<String, String> env = serviceEnv(github, port, management);
    String jvm = (f.jvmOpts + " -XX:+ExitOnOutOfMemoryError " + f.serviceJvmOpts).trim();
    if (f.profiler != null) {
      // Loop mode: a file every 5 s from the start; those inside the measured window are kept.
      jvm +=
          " -agentpath:"
              + f.profiler.toAbsolutePath()
              + "=start,event="
              + f.profileEvent
              + ",interval=1ms,loop=5s,collapsed,file="
              + work.resolve("prof-%n{999}.collapsed");
    }
    DeliveryTracker tracker = new DeliveryTracker(SimulatedGitHub.JOBS_PER_PUSH);
    try (ChildJvm svc =
        ChildJvm.start(
            "service",
            jvm,
            List.of("-jar", f.serviceJar.toString()),
            env,
            work.resolve("service.log"))) {
      double readyMs =
          svc.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(60));
      broker.consumeJobRequests(topology.jobsQueue(), tracker);
      ServiceMetrics metrics = new ServiceMetrics("http://127.0.0.1:" + management);
      log("service ready after %.0f ms", readyMs);
      wrk(port, bodies, jvmWarmup, "service warm-up");
      broker.purge(topology.intakeQueue());
      String textBefore = metrics.scrape();
      double jobsBefore = ServiceMetrics.jobRequestsPublished(textBefore);
      long consumedBefore = broker.jobRequests();
      long windowStart = System.currentTimeMillis();
      CpuSnapshot before = CpuSnapshot.take(svc.pid(), brokerPid);
      JsonObject r = wrk(port, bodies, seconds, "service");
      CpuSnapshot after = CpuSnapshot.take(svc.pid(), brokerPid);
      if (f.profiler != null) {
        Path collapsed =
            outDir.resolve("profile-" + (f.label == null ? "service" : f.label) + ".collapsed");
        Files.createDirectories(outDir);
        mergeProfiles(windowStart, System.currentTimeMillis(), collapsed);
        r.put("profile", collapsed.toString());
      }
      String text = metrics.scrape();
      double jobsAfter = ServiceMetrics.jobRequestsPublished(text);
      long backlog = broker.depth(topology.intakeQueue());
      double window = r.getDouble("seconds");
      r.put("cpu", before.coresUsedUntil(after));
      cpuPerRequest(r);
      r.put("ready_ms", Math.round(readyMs));
      // Every confirmed publish of the window (intake and JobRequests share the meter).
      double confirms =
          ServiceMetrics.sum(text, "solstice_publish_confirm_seconds_count")
              - ServiceMetrics.sum(textBefore, "solstice_publish_confirm_seconds_count");
      double confirmSeconds =
          ServiceMetrics.sum(text, "solstice_publish_confirm_seconds_sum")
              - ServiceMetrics.sum(textBefore, "solstice_publish_confirm_seconds_sum");
      r.put(
          "publish_confirm_mean_ms",
          confirms > 0 ? PhaseStats.round(confirmSeconds / confirms * 1000) : null);
      r.put(
          "jobrequests_confirmed_per_second", PhaseStats.round((jobsAfter - jobsBefore) / window));
      r.put(
          "jobrequests_consumed_per_second",
          PhaseStats.round((broker.jobRequests() - consumedBefore) / window));
      r.put("intake_backlog_at_end", backlog);
      r.put("heap_used_mib_at_end", MemorySampler.mib((long) ServiceMetrics.heapUsed(text)));
      r.put("rss_mib_at_end", MemorySampler.mib(ProcStats.rssBytes(svc.pid())));
      r.put("rss_peak_mib", MemorySampler.mib(ProcStats.peakRssBytes(svc.pid())));
      r.put("jvm_options", jvm);
      r.put("extra_env", new JsonObject(new LinkedHashMap<>(f.env)));
      log("  %s", r.encode());
      return r;
    }
  }

  /**
   * The 5-second profiles async-profiler wrote (loop mode) that lie wholly inside the measured
   * window, concatenated (collapsed stacks add up line by line).
   */
  private void mergeProfiles(long windowStartMillis, long windowEndMillis, Path into)
      throws IOException {
    StringBuilder all = new StringBuilder();
    int n = 0;
    try (var files = Files.list(work)) {
      for (Path p :
          files.filter(x -> x.getFileName().toString().startsWith("prof-")).sorted().toList()) {
        long written = Files.getLastModifiedTime(p).toMillis();
        if (written >= windowStartMillis + 5_000 && written <= windowEndMillis + 1_000) {
          all.append(Files.readString(p));
          n++;
        }
      }
    }
    Files.writeString(into, all);
    log("profile: %d x 5 s of the window in %s", n, into);
  }

  /** The service's environment: this run's queues, the simulator, GitHub pacing lifted. */
  private Map<String, String> serviceEnv(SimulatedGitHub github, int port, int management)
      throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_ADDR", "127.0.0.1:" + port);
    env.put("MANAGEMENT_ADDR", "127.0.0.1:" + management);
    env.put("GITHUB_WEBHOOK_SECRET", secret);
    env.put("AMQP_URL", f.amqp);
    env.putAll(topology.serviceEnv());
    env.put("GITHUB_API_BASE", github.baseUrl());
    env.put("GITHUB_APP_ID", Long.toString(github.appId()));
    env.put("GITHUB_APP_KEY_PATH", github.writeAppKey(work).toString());
    // As in the end-to-end bench: GitHub's write pacing and the per-source webhook limit lifted.
    env.put("GITHUB_WRITES_PER_MINUTE", "100000000");
    env.put("GITHUB_WRITES_PER_HOUR", "1000000000");
    env.put("GITHUB_WRITE_MIN_INTERVAL", "0ms");
    env.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    env.put("LOG_FORMAT", "text");
    env.put("LOG_LEVEL", "WARN");
    env.putAll(f.env);
    return env;
  }

  /**
   * Start to ready, cold JVM, without and with an AppCDS archive made by a training run of this jar
   * (start, some load, SIGTERM: -XX:ArchiveClassesAtExit dumps at exit), as deploy/README.md
   * describes for a deployment.
   */
  private JsonObject startup(SimulatedGitHub github, Path bodies) throws Exception {
    String base = (f.jvmOpts + " -XX:+ExitOnOutOfMemoryError " + f.serviceJvmOpts).trim();
    Path jsa = work.resolve("github-integration.jsa");
    JsonObject r = new JsonObject();
    r.put("without_cds", starts(github, base, 3));
    int port = freePort();
    try (ChildJvm training =
        ChildJvm.start(
            "service (AppCDS training)",
            base + " -XX:ArchiveClassesAtExit=" + jsa,
            List.of("-jar", f.serviceJar.toString()),
            serviceEnv(github, port, freePort()),
            work.resolve("service-training.log"))) {
      training.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(120));
      wrk(port, bodies, Math.max(2, warmup), "AppCDS training load");
      // SIGTERM, then time for the graceful stop and the archive dump (slow on a busy machine).
      training.process().destroy();
      if (!training.process().waitFor(120, TimeUnit.SECONDS)) {
        log("the training run did not stop within 120 s");
      }
    } finally {
      if (Files.exists(work.resolve("service-training.log"))) {
        Files.createDirectories(outDir);
        Files.copy(
            work.resolve("service-training.log"),
            outDir.resolve("service-training.log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!Files.exists(jsa)) {
      log("no AppCDS archive was written; see the training log");
      return r.put("error", "no archive");
    }
    r.put("archive_mib", MemorySampler.mib(Files.size(jsa)));
    r.put("with_cds", starts(github, base + " -XX:SharedArchiveFile=" + jsa, 3));
    return r;
  }

  private JsonObject starts(SimulatedGitHub github, String jvm, int n) throws Exception {
    io.vertx.core.json.JsonArray ms = new io.vertx.core.json.JsonArray();
    io.vertx.core.json.JsonArray rss = new io.vertx.core.json.JsonArray();
    List<Long> sorted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int port = freePort();
      try (ChildJvm svc =
          ChildJvm.start(
              "service",
              jvm,
              List.of("-jar", f.serviceJar.toString()),
              serviceEnv(github, port, freePort()),
              work.resolve("service-start.log"))) {
        long ready =
            Math.round(
                svc.awaitReady(
                    "http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(120)));
        ms.add(ready);
        sorted.add(ready);
        rss.add(MemorySampler.mib(ProcStats.rssBytes(svc.pid())));
      }
    }
    java.util.Collections.sort(sorted);
    log("  ready after %s ms (%s)", ms, jvm);
    return new JsonObject()
        .put("ready_ms", ms)
        .put("ready_ms_median", sorted.get(sorted.size() / 2))
        .put("rss_mib_at_ready", rss)
        .put("jvm_options", jvm);
  }

  /** Warm-up run, then the measured run with CPU accounting. */
  private JsonObject drive(
      String name, int port, Path bodies, long pid, long brokerPid, int warmupSeconds)
      throws Exception {
    wrk(port, bodies, warmupSeconds, name + " warm-up");
    CpuSnapshot before = CpuSnapshot.take(pid, brokerPid);
    JsonObject r = wrk(port, bodies, seconds, name);
    r.put("cpu", before.coresUsedUntil(CpuSnapshot.take(pid, brokerPid)));
    cpuPerRequest(r);
    log("  %s", r.encode());
    return r;
  }

  /**
   * CPU time of the server under test per 2xx (µs): unlike requests/s, it hardly moves when other
   * work on the machine takes cores away. For the service it includes its intake consumer's work
   * done in the window.
   */
  private static void cpuPerRequest(JsonObject r) {
    JsonObject cpu = r.getJsonObject("cpu");
    long ok = r.getLong("requests") - r.getLong("non_2xx");
    if (ok > 0) {
      r.put(
          "cpu_us_per_2xx",
          PhaseStats.round(
              cpu.getDouble("target_cores") * cpu.getDouble("wall_seconds") * 1e6 / ok));
    }
  }

  private JsonObject wrk(int port, Path bodies, int secs, String name) throws Exception {
    log("%s: wrk -t%d -c%d -d%ds", name, f.threads, f.connections, secs);
    byte[] run = new byte[4];
    new SecureRandom().nextBytes(run);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("WRK_BODIES", bodies.toString());
    env.put("WRK_RUN", HexFormat.of().formatHex(run));
    Path log = work.resolve("wrk.log");
    Process p =
        start(
            List.of(
                "wrk",
                "-t" + f.threads,
                "-c" + f.connections,
                "-d" + secs + "s",
                "--timeout",
                "10s",
                "-s",
                f.wrkScript.toString(),
                "http://127.0.0.1:" + port + "/webhooks/github"),
            env,
            log);
    if (!p.waitFor(secs + 60L, TimeUnit.SECONDS)) {
      stop(p);
      throw new IllegalStateException("wrk did not finish; see " + log);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Matcher m = WRK_RESULT.matcher(out);
    if (p.exitValue() != 0 || !m.find()) {
      throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "):\n" + out);
    }
    JsonObject r = new JsonObject(m.group(1));
    double s = r.getDouble("seconds");
    long ok = r.getLong("requests") - r.getLong("non_2xx");
    r.put("ok_per_second", PhaseStats.round(ok / s));
    return r;
  }

  // --- processes ---------------------------------------------------------------------------

  private Process start(List<String> cmd, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG", "TMPDIR", "TZ"));
    pb.environment().putAll(env);
    Process p = pb.start();
    open.add(() -> stop(p));
    return p;
  }

  private static final Pattern LISTENING = Pattern.compile("listening on [^\\s\"]+:(\\d+)");

  private static int awaitPort(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("did not listen within 30 s; see " + log);
  }

  private static void stop(Process p) throws InterruptedException {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void cleanup() {
    List<AutoCloseable> all;
    synchronized (open) {
      all = new ArrayList<>(open);
      open.clear();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).close();
      } catch (Exception e) {
        log("cleanup: %s", e);
      }
    }
    try (var files = Files.walk(work)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir
    }
  }

  static void splice(Path doc, String section) throws IOException {
    String old = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
    String block = BEGIN + "\n\n" + section.strip() + "\n\n" + END + "\n";
    int b = old.indexOf(BEGIN);
    int e = old.indexOf(END);
    String updated =
        b >= 0 && e > b
            ? old.substring(0, b) + block + old.substring(e + END.length()).replaceFirst("^\n", "")
            : old.stripTrailing() + "\n\n" + block;
    if (doc.getParent() != null) {
      Files.createDirectories(doc.getParent());
    }
    Files.writeString(doc, updated);
  }

  static void log(String format, Object... args) {
    System.err.printf(
        "[intake %s] %s%n",
        Instant.now().truncatedTo(ChronoUnit.SECONDS), String.format(format, args));
  }
}
