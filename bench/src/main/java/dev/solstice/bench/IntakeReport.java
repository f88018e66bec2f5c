package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/** The markdown of one {@link IntakeComparison} run: the table, the ratios against the goals. */
final class IntakeReport {
  private IntakeReport() {}

  private record Row(String id, String label) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("node_bare", "bare node:http answering 202"),
          new Row("vertx_bare", "bare Vert.x answering 202 (one event loop)"),
          new Row("octokit", "@octokit/webhooks 14 verify + dispatch (no broker)"),
          new Row(
              "octokit_amqp",
              "@octokit/webhooks 14 + amqplib confirm channel, persistent publish before the 2xx"),
          new Row(
              "service",
              "**github-integration (durable intake publish, confirmed, before the 202)**"));

  static String render(JsonObject r) {
    JsonObject fronts = r.getJsonObject("fronts");
    JsonObject wrk = r.getJsonObject("wrk");
    StringBuilder b = new StringBuilder();
    b.append("## Intake front door next to Node, bare servers and PerfTest (one run)\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "wrk %d threads, %d connections, %d s measured after %d s of warm-up per row (%d s for the JVM rows: the JIT needs it); signed `push`"
                + " bodies of %,d bytes (%s) over %d repositories, a unique `X-GitHub-Delivery` per"
                + " request. Latency is wrk's (closed loop, from send to answer).%n%n",
            wrk.getInteger("threads"),
            wrk.getInteger("connections"),
            wrk.getInteger("seconds"),
            wrk.getInteger("warmup_seconds"),
            wrk.getInteger("jvm_warmup_seconds", wrk.getInteger("warmup_seconds")),
            r.getJsonObject("payload").getInteger("bytes"),
            r.getJsonObject("payload").getString("source"),
            r.getJsonObject("payload").getInteger("repositories")));
    JsonObject svc = fronts.getJsonObject("service");
    double svcRate = svc == null ? Double.NaN : svc.getDouble("ok_per_second");
    b.append(
        "| front door | 2xx/s | p50 / p99 / p99.9 ms | non-2xx / socket errors | its cores | its CPU µs per 2xx | broker cores | github-integration / it |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : ROWS) {
      JsonObject x = fronts.getJsonObject(row.id());
      if (x == null) {
        continue;
      }
      JsonObject cpu = x.getJsonObject("cpu", new JsonObject());
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.1f / %.1f / %.1f | %d / %d | %.2f | %,.0f | %.2f | %s |%n",
              row.label(),
              x.getDouble("ok_per_second"),
              x.getDouble("p50_ms"),
              x.getDouble("p99_ms"),
              x.getDouble("p999_ms"),
              x.getLong("non_2xx"),
              x.getLong("socket_errors"),
              cpu.getDouble("target_cores", 0.0),
              x.getDouble("cpu_us_per_2xx", Double.NaN),
              cpu.getDouble("broker_cores", 0.0),
              ratio(svcRate, x.getDouble("ok_per_second"))));
    }
    JsonObject perf = fronts.getJsonObject("perftest");
    double perfRate = Double.NaN;
    if (perf != null) {
      perfRate = perf.getDouble("sending_rate_per_second", Double.NaN);
      b.append(
          String.format(
              Locale.ROOT,
              "| RabbitMQ PerfTest: %,d-byte persistent messages, confirms (≤ %d unconfirmed), 1 producer + 1 consumer, same broker | %,.0f msg/s | confirm p50 / p99 %s ms | | | | %.2f | %s |%n",
              perf.getInteger("message_bytes"),
              wrk.getInteger("connections"),
              perfRate,
              perf.getJsonObject("confirm_latency_ms") == null
                  ? "?"
                  : perf.getJsonObject("confirm_latency_ms").getDouble("p50")
                      + " / "
                      + perf.getJsonObject("confirm_latency_ms").getDouble("p99"),
              perf.getJsonObject("cpu", new JsonObject()).getDouble("broker_cores", 0.0),
              ratio(svcRate, perfRate)));
    }
    if (svc != null) {
      b.append("\nGoals of issue 18 (ratios in this run):\n\n");
      JsonObject node = fronts.getJsonObject("octokit_amqp");
      if (node != null) {
        goal(
            b,
            "accepted/s ÷ @octokit/webhooks + amqplib",
            svcRate / node.getDouble("ok_per_second"),
            2.0);
      }
      if (perf != null) {
        goal(b, "accepted/s ÷ PerfTest confirmed publishes/s", svcRate / perfRate, 0.8);
        goal(
            b,
            "JobRequests/s confirmed ÷ PerfTest",
            svc.getDouble("jobrequests_confirmed_per_second") / perfRate,
            0.5);
      }
      b.append(
          String.format(
              Locale.ROOT,
              "- intake consumer: %,.0f JobRequests/s confirmed (%,.0f deliveries/s of %,.0f accepted/s), %,d deliveries waiting in the intake queue at the end of the window%n",
              svc.getDouble("jobrequests_confirmed_per_second"),
              svc.getDouble("jobrequests_confirmed_per_second") / SimulatedGitHub.JOBS_PER_PUSH,
              svcRate,
              svc.getLong("intake_backlog_at_end")));
      b.append(
          String.format(
              Locale.ROOT,
              "- service: ready %d ms after process start; at the end of the window heap used %.0f MiB, RSS %.0f MiB (peak %.0f MiB); JVM `%s`%n",
              svc.getLong("ready_ms"),
              svc.getDouble("heap_used_mib_at_end"),
              svc.getDouble("rss_mib_at_end"),
              svc.getDouble("rss_peak_mib"),
              svc.getString("jvm_options")));
    }
    JsonObject startup = r.getJsonObject("startup");
    if (startup != null && startup.containsKey("with_cds")) {
      JsonObject without = startup.getJsonObject("without_cds");
      JsonObject with = startup.getJsonObject("with_cds");
      b.append(
          String.format(
              Locale.ROOT,
              "- start to ready (process start → `/health/ready` 200, cold JVM, 3 starts each): median **%d ms** without AppCDS %s, **%d ms** with it %s (archive %.0f MiB from a training run; goal ≤ 1,000 ms: %s); RSS at ready %s → %s MiB%n",
              without.getLong("ready_ms_median"),
              without.getJsonArray("ready_ms").encode(),
              with.getLong("ready_ms_median"),
              with.getJsonArray("ready_ms").encode(),
              startup.getDouble("archive_mib"),
              with.getLong("ready_ms_median") <= 1000 ? "met" : "not met",
              without.getJsonArray("rss_mib_at_ready").encode(),
              with.getJsonArray("rss_mib_at_ready").encode()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nThe CPU µs per 2xx (CPU time of the server's process over the window ÷ its 2xx) moves far less than 2xx/s when other work takes cores away; for the service it includes its intake consumer's work in the window.%n%nRun %s → %s, load average %s at start, %s at end (2 cores: a load average above 2 means other work shared them). Command:%n%n```%n%s%n```%n%nRaw: `docs/bench/intake/results.json`.%n",
            r.getString("started_at"),
            r.getString("finished_at"),
            r.getString("load_average_at_start"),
            r.getString("load_average_at_end"),
            r.getString("command")));
    return b.toString();
  }

  private static void goal(StringBuilder b, String what, double value, double target) {
    b.append(
        String.format(
            Locale.ROOT,
            "- %s: **%.2f** (goal ≥ %.1f: %s)%n",
            what,
            value,
            target,
            value >= target ? "met" : "not met"));
  }

  private static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f", a / b);
  }
}
