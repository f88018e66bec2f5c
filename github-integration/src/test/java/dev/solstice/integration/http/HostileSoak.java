package dev.solstice.integration.http;

import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mixed soak of issue 19 ({@code scripts/hostile-soak.sh}): signed deliveries (each resent
 * until 2xx, as GitHub's redelivery would) while every attack runs at once against the packaged
 * service with the deployment's memory flags and its default limits; writes RSS, heap, refusals by
 * reason and the lost-delivery count to docs/hostile-soak.md. A measurement, not a test.
 */
public final class HostileSoak {

  private HostileSoak() {}

  public static void main(String[] args) throws Exception {
    int minutes = 10;
    String command = "scripts/hostile-soak.sh";
    Path out = Path.of("docs/hostile-soak.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> minutes = Integer.parseInt(args[++i]);
        case "--command" -> command = args[++i];
        case "--out" -> out = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + "; usage: HostileSoak [--minutes N] [--out docs/hostile-soak.md] [--command TEXT]");
      }
    }
    Vertx vertx = Vertx.vertx();
    // All traffic comes from 127.0.0.1 here: a per-source cap would refuse the attack before any
    // timeout.
    try (HostileService service =
        HostileService.start(Map.of("HTTP_MAX_CONNECTIONS_PER_SOURCE", "0"))) {
      String report = soak(vertx, service, Duration.ofMinutes(minutes), command);
      Files.writeString(out, report);
      System.out.println(report);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static String soak(Vertx vertx, HostileService service, Duration length, String command)
      throws Exception {
    Instant started = Instant.now();
    long end = System.nanoTime() + length.toNanos();
    ScheduledExecutorService pool = Executors.newScheduledThreadPool(6);
    Set<String> sent = ConcurrentHashMap.newKeySet();
    Map<Integer, Long> pushAnswers = new ConcurrentHashMap<>();
    AtomicLong maxRss = new AtomicLong();
    AtomicLong maxHeap = new AtomicLong();
    AtomicLong maxConnections = new AtomicLong();
    AtomicLong bigBatches = new AtomicLong();
    Map<String, Long> bigOutcomes = new ConcurrentHashMap<>();
    List<String> floodAnswers = new CopyOnWriteArrayList<>();
    AtomicLong pipelined = new AtomicLong();
    AtomicLong pipelinedOk = new AtomicLong();
    byte[] big = new byte[24 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');

    // Legitimate deliveries: 5 a second, each resent until 2xx.
    pool.scheduleAtFixedRate(
        () -> {
          String id = UUID.randomUUID().toString();
          sent.add(id);
          for (int attempt = 0; attempt < 100; attempt++) {
            int status = service.push(id);
            pushAnswers.merge(status, 1L, Long::sum);
            if (status >= 200 && status < 300) {
              return;
            }
          }
        },
        0,
        200,
        TimeUnit.MILLISECONDS);
    // 40 concurrent 24 MB POSTs with a wrong signature, a batch every 10 s.
    pool.scheduleWithFixedDelay(
        () -> {
          try {
            Attacks.bigBodies(service.port, service.config.webhookPath(), 40, big)
                .forEach((k, v) -> bigOutcomes.merge(k, (long) v, Long::sum));
            bigBatches.incrementAndGet();
          } catch (Exception e) {
            bigOutcomes.merge("error", 1L, Long::sum);
          }
        },
        1,
        10,
        TimeUnit.SECONDS);
    // Header floods and a short body, every 2 s; 50 pipelined pings every 5 s.
    pool.scheduleWithFixedDelay(() -> floodAnswers.add(flood(service)), 2, 2, TimeUnit.SECONDS);
    pool.scheduleWithFixedDelay(
        () -> {
          pipelined.addAndGet(50);
          pipelinedOk.addAndGet(pipeline(service, 50));
        },
        3,
        5,
        TimeUnit.SECONDS);
    // Samples.
    pool.scheduleAtFixedRate(
        () -> {
          maxRss.accumulateAndGet(service.rssBytes(), Math::max);
          String m = service.metrics();
          maxHeap.accumulateAndGet(
              (long) HostileService.sum(m, "jvm_memory_used_bytes", "area=\"heap\""), Math::max);
          maxConnections.accumulateAndGet(
              (long) HostileService.sum(m, "solstice_http_connections", ""), Math::max);
        },
        0,
        2,
        TimeUnit.SECONDS);
    // 2,000 slow connections (1,000 dribbling a body, 1,000 their headers), one byte every 5 s,
    // each re-opened once closed.
    Attacks.SlowConnections bodies =
        new Attacks.SlowConnections(
            vertx,
            service.port,
            service.config.webhookPath(),
            1000,
            Attacks.Slowness.BODY,
            Duration.ofSeconds(5),
            true);
    Attacks.SlowConnections headers =
        new Attacks.SlowConnections(
            vertx,
            service.port,
            service.config.webhookPath(),
            1000,
            Attacks.Slowness.HEADERS,
            Duration.ofSeconds(5),
            true);

    while (System.nanoTime() < end && service.process.isAlive()) {
      TimeUnit.MILLISECONDS.sleep(500); // a soak tool paces itself; tests use Awaitility
    }
    boolean alive = service.process.isAlive();
    bodies.close();
    headers.close();
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Set<String> delivered = service.deliveredIds();
    while (alive && !delivered.containsAll(sent) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(500);
      delivered = service.deliveredIds();
    }
    Set<String> arrived = delivered;
    long lost = sent.stream().filter(id -> !arrived.contains(id)).count();
    String metrics = service.metrics();
    Map<String, Long> refusals = new TreeMap<>();
    for (HttpRefusals.Reason r : HttpRefusals.Reason.values()) {
      String reason = r.name().toLowerCase(java.util.Locale.ROOT);
      refusals.put(
          reason,
          (long)
              HostileService.sum(
                  metrics, "solstice_http_refused_total", "reason=\"" + reason + "\""));
    }
    return report(
        command,
        started,
        length,
        alive,
        sent.size(),
        lost,
        new TreeMap<>(pushAnswers),
        maxRss.get(),
        maxHeap.get(),
        maxConnections.get(),
        refusals,
        bigBatches.get(),
        new TreeMap<>(bigOutcomes),
        bodies.closed.size() + headers.closed.size(),
        tally(floodAnswers),
        pipelined.get(),
        pipelinedOk.get());
  }

  private static final String NOTES =
      """

      ## Reading the figures

      %sThe heap is sampled from `/metrics` every 2 s, RSS from `/proc`; both peak while a batch of
      24 MB bodies is held within the budget (25%% of the heap by default), so they vary from run to run
      with where the samples fall. A signed push answered 503 (budget full) was resent until 2xx:
      "lost" counts the pushes that never became a JobRequest. A 503 closes its connection, so the
      pings pipelined behind one on the same connection get no answer (a client resends them); that
      is the shortfall of pipelined pings.
      """;

  private static String flood(HostileService service) {
    try {
      StringBuilder many = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: x\r\n");
      for (int i = 0; i < 2000; i++) {
        many.append("X-Flood-").append(i).append(": v\r\n");
      }
      String a =
          Attacks.raw(
              service.port,
              many.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1),
              Duration.ofSeconds(40));
      String b =
          Attacks.raw(
              service.port,
              ("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Huge: "
                      + "h".repeat(100_000)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1),
              Duration.ofSeconds(40));
      String c =
          Attacks.raw(
              service.port,
              ("POST "
                      + service.config.webhookPath()
                      + " HTTP/1.1\r\nHost: x\r\n"
                      + SignatureVerifier.HEADER
                      + ": "
                      + Attacks.WRONG_SIGNATURE
                      + "\r\nContent-Length: 500\r\n\r\n{}")
                  .getBytes(StandardCharsets.ISO_8859_1),
              Duration.ofSeconds(45));
      return status(a) + " " + status(b) + " " + status(c);
    } catch (Exception e) {
      return "error";
    }
  }

  private static long pipeline(HostileService service, int n) {
    byte[] ping = RecordedWebhooks.payload("ping.json");
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < n; i++) {
      p.append("POST ")
          .append(service.config.webhookPath())
          .append(" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
          .append("X-GitHub-Event: ping\r\nX-GitHub-Delivery: ")
          .append(UUID.randomUUID())
          .append("\r\n")
          .append(SignatureVerifier.HEADER)
          .append(": ")
          .append(SignatureVerifier.sign(ServiceHarness.SECRET, ping))
          .append("\r\nContent-Length: ")
          .append(ping.length)
          .append(i == n - 1 ? "\r\nConnection: close" : "")
          .append("\r\n\r\n")
          .append(new String(ping, StandardCharsets.ISO_8859_1));
    }
    try {
      String answers =
          Attacks.raw(
              service.port,
              p.toString().getBytes(StandardCharsets.ISO_8859_1),
              Duration.ofSeconds(30));
      return java.util.regex.Pattern.compile("HTTP/1.1 200").matcher(answers).results().count();
    } catch (Exception e) {
      return 0;
    }
  }

  private static String status(String answer) {
    return answer.length() >= 12 ? answer.substring(9, 12) : "closed";
  }

  private static Map<String, Long> tally(List<String> answers) {
    Map<String, Long> t = new TreeMap<>();
    answers.forEach(a -> t.merge(a, 1L, Long::sum));
    return t;
  }

  private static String report(
      String command,
      Instant started,
      Duration length,
      boolean alive,
      int sent,
      long lost,
      Map<Integer, Long> pushAnswers,
      long rss,
      long heap,
      long connections,
      Map<String, Long> refusals,
      long batches,
      Map<String, Long> bigOutcomes,
      int slowClosed,
      Map<String, Long> floods,
      long pipelined,
      long pipelinedOk) {
    StringBuilder r = new StringBuilder();
    r.append("# Hostile-traffic soak (issue 19)\n\n")
        .append(
            "Written by `scripts/hostile-soak.sh` (`dev.solstice.integration.http.HostileSoak`); rerun it to refresh.\n\n")
        .append("- command: `")
        .append(command)
        .append("`\n")
        .append("- started: ")
        .append(started)
        .append(", ")
        .append(length.toMinutes())
        .append(" minutes\n")
        .append("- service: the packaged jar with the deployment's memory flags (`")
        .append(
            String.join(
                " ", dev.solstice.integration.testing.ServiceProcess.DEPLOYMENT_MEMORY_FLAGS))
        .append(
            "`), default limits except `HTTP_MAX_CONNECTIONS_PER_SOURCE=0` (every client is 127.0.0.1 here)\n")
        .append("- machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(
            " cores, shared with other builds and tests while it ran: the figures are an upper bound of what the service needs\n\n")
        .append("## Traffic, all at once for the whole run\n\n")
        .append("- signed pushes, 5 a second, each resent until 2xx (GitHub's redelivery)\n")
        .append("- 40 concurrent 24 MB POSTs with a wrong signature, a batch every 10 s\n")
        .append(
            "- 2,000 slow connections (1,000 dribbling a body, 1,000 their headers, one byte every 5 s), each re-opened when closed\n")
        .append(
            "- every 2 s: 2,000 headers, one 100 KB header, a body shorter than its Content-Length\n")
        .append("- every 5 s: 50 signed pings pipelined on one connection\n\n")
        .append("## Results\n\n")
        .append("| measure | value |\n|---|---|\n")
        .append("| service alive at the end | ")
        .append(alive ? "yes" : "**no**")
        .append(" |\n")
        .append("| signed pushes sent | ")
        .append(sent)
        .append(" |\n")
        .append("| **lost** (sent, never a JobRequest) | ")
        .append(lost)
        .append(" |\n")
        .append("| answers to signed pushes (status: count; -1 = connection failed) | ")
        .append(pushAnswers)
        .append(" |\n")
        .append("| max RSS | ")
        .append(rss >> 20)
        .append(" MiB |\n")
        .append("| max heap used (`jvm_memory_used_bytes`, area heap) | ")
        .append(heap >> 20)
        .append(" MiB of 576 |\n")
        .append("| max open connections (`solstice_http_connections`) | ")
        .append(connections)
        .append(" |\n")
        .append("| refusals by reason (`solstice_http_refused_total`) | ")
        .append(refusals)
        .append(" |\n")
        .append("| 24 MB batches / their answers | ")
        .append(batches)
        .append(" / ")
        .append(bigOutcomes)
        .append(" |\n")
        .append("| slow connections closed by the server | ")
        .append(slowClosed)
        .append(" |\n")
        .append("| floods (many headers, huge header, short body): answers | ")
        .append(floods)
        .append(" |\n")
        .append("| pipelined pings answered 200 | ")
        .append(pipelinedOk)
        .append(" of ")
        .append(pipelined)
        .append(" |\n");
    r.append(
        NOTES.formatted(
            length.toMinutes() < 10
                ? "This is the "
                    + length.toMinutes()
                    + "-minute variant (`--minutes "
                    + length.toMinutes()
                    + "`), not the full 10-minute soak. "
                : ""));
    return r.toString();
  }
}
