package dev.solstice.bench;

import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Issue 13's gateway figures, side by side in one run against one simulator: requests/s and latency
 * of a GET the gateway holds in its cache (revalidated upstream: GitHub's 304, served 200 from the
 * cache; and a client's own matching If-None-Match answered 304 by the gateway within
 * GATEWAY_CACHE_TTL) next to the same GET sent to the simulator directly; then the share of
 * upstream calls (and of rate-limited, billed ones) saved for 100 registry clients reading the same
 * 20 resources, counted at the simulator.
 */
final class GatewayBench {

  static final String REPO = "bench/gateway";
  static final int CLIENTS = 100;
  static final int RESOURCES = 20;
  private static final long INSTALLATION = 4100;
  private static final String STATIC_TOKEN = "ghp_benchdirect0000000000000000000000";

  private final BenchOptions o;
  private final BenchTopology topology;
  private final Path work;
  private final List<String> tokens = new ArrayList<>();

  GatewayBench(BenchOptions o, BenchTopology topology, Path work) {
    this.o = o;
    this.topology = topology;
    this.work = work;
  }

  JsonObject measure() throws Exception {
    Vertx vertx = Vertx.vertx();
    GitHubSimulator sim = SimulatorLauncher.on(vertx).forLoad().start();
    ChildJvm service = null;
    HttpClient http = client(vertx);
    try {
      sim.installation(INSTALLATION, REPO);
      sim.acceptStaticToken(STATIC_TOKEN);
      for (int i = 0; i < 2 * RESOURCES; i++) {
        sim.putFile(REPO, "main", "r" + i + ".json", "{\"resource\":" + i + "}");
      }
      int port = freePort();
      int gatewayPort = freePort();
      service =
          ChildJvm.start(
              "gateway service",
              o.jvmOpts(),
              List.of("-jar", o.serviceJar().toString()),
              env(sim, port, gatewayPort),
              work.resolve("gateway-service.log"));
      service.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(60));
      Target direct = new Target(sim.baseUrl(), i -> "token " + STATIC_TOKEN);
      Target gateway =
          new Target("http://127.0.0.1:" + gatewayPort, i -> "Bearer " + tokens.get(i % CLIENTS));
      // The first reads fill the cache; then warm-up, unmeasured.
      for (int i = 0; i < RESOURCES; i++) {
        awaitRetrying(http, gateway, i);
      }
      Duration warm = Duration.ofSeconds(o.warmupSeconds());
      closedLoop(vertx, direct, false, warm);
      closedLoop(vertx, gateway, false, warm);
      Duration phase = Duration.ofSeconds(o.phaseSeconds());
      BenchRun.log(
          "gateway: direct, through the gateway, own If-None-Match; %d s each", o.phaseSeconds());
      JsonObject directStats = closedLoop(vertx, direct, false, phase);
      JsonObject cachedStats = closedLoop(vertx, gateway, false, phase);
      JsonObject notModifiedStats = closedLoop(vertx, gateway, true, phase);
      JsonObject r =
          new JsonObject()
              .put("concurrency", concurrency())
              .put("seconds_per_phase", o.phaseSeconds())
              .put("direct", directStats)
              .put("gateway_cached", cachedStats)
              .put("gateway_own_304", notModifiedStats)
              .put(
                  "added_p99_ms",
                  PhaseStats.round(
                      cachedStats.getDouble("p99_ms") - directStats.getDouble("p99_ms")))
              .put(
                  "added_p50_ms",
                  PhaseStats.round(
                      cachedStats.getDouble("p50_ms") - directStats.getDouble("p50_ms")))
              .put("economy", economy(sim, vertx, gateway));
      BenchRun.log("  gateway: %s", r.encode());
      return r;
    } finally {
      if (service != null) {
        service.close();
      }
      http.close();
      SimulatorLauncher.stop(sim);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * 100 clients read the same 20 resources (fresh ones, not yet cached), each once; then again,
   * each with the ETag it got (as a client with its own cache does).
   */
  private JsonObject economy(GitHubSimulator sim, Vertx vertx, Target gateway) throws Exception {
    HttpClient http = client(vertx);
    try {
      return economy(sim, http, gateway);
    } finally {
      http.close();
    }
  }

  private JsonObject economy(GitHubSimulator sim, HttpClient http, Target gateway)
      throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      for (int r = 0; r < RESOURCES; r++) {
        order.add(c * RESOURCES + r);
      }
    }
    Map<Integer, String> etags = new java.util.concurrent.ConcurrentHashMap<>();
    JsonObject out = new JsonObject().put("clients", CLIENTS).put("resources", RESOURCES);
    for (int round = 1; round <= 2; round++) {
      int before = sim.calls().size();
      int finalRound = round;
      runAll(
          order,
          n -> {
            int client = n / RESOURCES;
            int resource = RESOURCES + n % RESOURCES; // r20..r39: not read by the load phases
            String etag = finalRound == 2 ? etags.get(n) : null;
            return get(http, gateway.as(client), resource, etag)
                .onSuccess(
                    resp -> {
                      if (resp.etag != null) {
                        etags.put(n, resp.etag);
                      }
                    })
                .mapEmpty();
          });
      List<RecordedCall> calls = sim.calls().subList(before, sim.calls().size());
      long upstream = calls.stream().filter(c -> c.operation().equals("repos/get-content")).count();
      long billed =
          calls.stream()
              .filter(c -> c.operation().equals("repos/get-content") && c.status() == 200)
              .count();
      int requests = order.size();
      out.put(
          round == 1 ? "first_reads" : "rereads_with_etag",
          new JsonObject()
              .put("client_requests", requests)
              .put("upstream_calls", upstream)
              .put("upstream_billed_200", billed)
              .put("calls_saved_share", share(1 - (double) upstream / requests))
              .put("billed_saved_share", share(1 - (double) billed / requests)));
    }
    return out;
  }

  private static double share(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private void runAll(List<Integer> items, IntFunction<Future<Void>> one) throws Exception {
    AtomicLong next = new AtomicLong();
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (int w = 0; w < Math.min(32, items.size()); w++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      lanes.add(done);
      lane(items, one, next, done);
    }
    CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
  }

  private void lane(
      List<Integer> items,
      IntFunction<Future<Void>> one,
      AtomicLong next,
      CompletableFuture<Void> done) {
    int i = (int) next.getAndIncrement();
    if (i >= items.size()) {
      done.complete(null);
      return;
    }
    // A bound on each item, so one answer that never comes cannot stall the phase (seen once in a
    // smoke run: the whole economy phase waited for its 5-minute limit).
    one.apply(items.get(i))
        .timeout(35, TimeUnit.SECONDS)
        .onComplete(ar -> lane(items, one, next, done));
  }

  /**
   * A client of its own for each phase, so a phase ends with its connections closed and the next
   * one does not start from a pool the last one left behind.
   */
  private HttpClient client(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(Math.max(8, o.concurrency())));
  }

  /**
   * A GET the phase needs before it starts, tried up to three times: an unanswered one is logged
   * (with how far it got) and sent again rather than ending the run.
   */
  private static Answer awaitRetrying(HttpClient http, Target t, int resource) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return await(http, t, resource);
      } catch (IllegalStateException e) {
        if (attempt == 3) {
          throw e;
        }
        BenchRun.log("gateway: %s; sending it again", e.getMessage());
      }
    }
  }

  /**
   * One GET's answer, waited for at most a little longer than its own timeouts; when it does not
   * come, the exception says how far the exchange got.
   */
  private static Answer await(HttpClient http, Target t, int resource) throws Exception {
    AtomicReference<String> stage = new AtomicReference<>("waiting for a connection");
    try {
      return get(http, t, resource, null, stage::set)
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "GET r" + resource + " from " + t.base() + " unanswered within 60 s: " + stage.get(), e);
    }
  }

  /** Where requests go, and the Authorization of the i-th request. */
  private record Target(String base, IntFunction<String> authorization) {
    Target as(int client) {
      return new Target(base, i -> authorization.apply(client));
    }
  }

  private record Answer(int status, String etag) {}

  private static Future<Answer> get(HttpClient http, Target t, int resource, String etag) {
    return get(http, t, resource, etag, stage -> {});
  }

  private static Future<Answer> get(
      HttpClient http, Target t, int resource, String etag, Consumer<String> stage) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(t.base() + "/repos/" + REPO + "/contents/r" + resource + ".json")
            .putHeader("Authorization", t.authorization().apply(resource))
            .putHeader("Accept", "application/vnd.github+json")
            // Both bounds: idle alone does not cover the wait for a pooled connection, and a
            // request stuck there once held a CI run to its limit.
            .setConnectTimeout(10_000)
            .setIdleTimeout(30_000);
    if (etag != null) {
      options.putHeader("If-None-Match", etag);
    }
    return http.request(options)
        .compose(
            req -> {
              stage.accept("request sent on " + req.connection().localAddress());
              return req.send();
            })
        .compose(
            resp -> {
              stage.accept("status " + resp.statusCode() + " received, waiting for the body");
              return resp.body()
                  .map((Buffer b) -> new Answer(resp.statusCode(), resp.getHeader("ETag")));
            })
        .onFailure(e -> stage.accept("failed: " + e));
  }

  /**
   * {@code o.concurrency()} requests in flight for {@code length}, round robin over the resources;
   * with {@code ownEtag}, each carries the ETag of its resource (got once beforehand).
   */
  private JsonObject closedLoop(Vertx vertx, Target t, boolean ownEtag, Duration length)
      throws Exception {
    HttpClient http = client(vertx);
    try {
      return closedLoop(http, t, ownEtag, length);
    } finally {
      http.close();
    }
  }

  private JsonObject closedLoop(HttpClient http, Target t, boolean ownEtag, Duration length)
      throws Exception {
    Map<Integer, String> etags = new LinkedHashMap<>();
    if (ownEtag) {
      for (int i = 0; i < RESOURCES; i++) {
        etags.put(i, awaitRetrying(http, t, i).etag());
      }
    }
    Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (int w = 0; w < concurrency(); w++) {
      CompletableFuture<Void> finished = new CompletableFuture<>();
      lanes.add(finished);
      loop(http, t, etags, h, done, errors, seq, end, finished);
    }
    long unfinished = 0;
    try {
      CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new))
          .get(length.toSeconds() + 120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // A loaded machine: report what was measured, and the lanes still waiting as errors.
      unfinished = lanes.stream().filter(l -> !l.isDone()).count();
      errors.addAndGet(unfinished);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new JsonObject()
        .put("requests_per_second", PhaseStats.round(done.get() / seconds))
        .put("requests", done.get())
        .put("errors", errors.get())
        .put("unfinished", unfinished)
        .put("p50_ms", PhaseStats.round(h.getValueAtPercentile(50) / 1000.0))
        .put("p99_ms", PhaseStats.round(h.getValueAtPercentile(99) / 1000.0))
        .put("p999_ms", PhaseStats.round(h.getValueAtPercentile(99.9) / 1000.0));
  }

  /** Requests in flight: {@code --concurrency}, at most 32 (two processes share the cores). */
  private int concurrency() {
    return Math.min(32, o.concurrency());
  }

  private void loop(
      HttpClient http,
      Target t,
      Map<Integer, String> etags,
      Histogram h,
      AtomicLong done,
      AtomicLong errors,
      AtomicLong seq,
      long end,
      CompletableFuture<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.complete(null);
      return;
    }
    int resource = (int) (seq.getAndIncrement() % RESOURCES);
    long t0 = System.nanoTime();
    get(http, t, resource, etags.get(resource))
        .onComplete(
            ar -> {
              long t1 = System.nanoTime();
              int expected = etags.isEmpty() ? 200 : 304;
              if (ar.succeeded() && ar.result().status() == expected) {
                synchronized (h) {
                  h.recordValue(Math.max(0, (t1 - t0) / 1000));
                }
                done.incrementAndGet();
              } else {
                errors.incrementAndGet();
              }
              loop(http, t, etags, h, done, errors, seq, end, finished);
            });
  }

  private Map<String, String> env(GitHubSimulator sim, int port, int gatewayPort) throws Exception {
    Path key = sim.app().writePkcs1Pem(work.resolve("gateway-app-key.pem"));
    StringBuilder clients = new StringBuilder("version: 1\nclients:\n");
    for (int c = 0; c < CLIENTS; c++) {
      String token = "bench_client_" + c + "_" + Long.toHexString(System.nanoTime());
      tokens.add(token);
      clients
          .append("  - name: client-")
          .append(c)
          .append("\n    token_sha256: ")
          .append(sha256(token))
          .append("\n    scopes: [{method: GET, path: \"/repos/[^/]+/[^/]+/contents/.*\"}]\n");
    }
    Path file = work.resolve("gateway-clients.yaml");
    Files.writeString(file, clients);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_ADDR", "127.0.0.1:" + port);
    env.put("MANAGEMENT_ADDR", "127.0.0.1:" + freePort());
    env.put("GITHUB_WEBHOOK_SECRET", "gateway-bench-" + System.nanoTime());
    env.put("AMQP_URL", o.amqpUrl());
    env.putAll(topology.serviceEnv());
    env.put("GITHUB_API_BASE", sim.baseUrl());
    env.put("GITHUB_APP_ID", Long.toString(sim.app().id()));
    env.put("GITHUB_APP_KEY_PATH", key.toString());
    env.put("GATEWAY_ADDR", "127.0.0.1:" + gatewayPort);
    env.put("GATEWAY_CLIENTS_FILE", file.toString());
    env.put("GATEWAY_CACHE_TTL", "60s");
    env.put("LOG_FORMAT", "text");
    env.put("LOG_LEVEL", "WARN");
    return env;
  }

  private static String sha256(String token) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
