package dev.solstice.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures sections of docs/benchmarks.md, rendered from results.json (no number typed by hand).
 */
final class Report {
  private Report() {}

  static String render(JsonObject r) {
    StringBuilder md = new StringBuilder();
    JsonObject svc = r.getJsonObject("service");
    JsonObject http = svc.getJsonObject("http_max");
    JsonObject e2e = svc.getJsonObject("end_to_end_max");
    JsonObject fixed = svc.getJsonObject("fixed_half");
    JsonObject bare = r.getJsonObject("bare");
    JsonObject perf = r.getJsonObject("perftest");
    JsonObject payload = r.getJsonObject("payload");
    int concurrency = concurrencyOf(r);
    boolean smoke = "smoke".equals(r.getString("mode"));

    md.append(
        "## github-integration end to end (webhook → intake queue → GitHub → JobRequests)\n\n");
    if (smoke) {
      md.append(
          "**Smoke run (a few seconds per phase): proves the bench runs; the figures are not meaningful.**\n\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "Signed `push` webhooks (%,d bytes, the @octokit/webhooks-examples payload "
                + "compacted, a unique `X-GitHub-Delivery` each) over HTTP/1.1 keep-alive from one client, spread over %d "
                + "repositories/installations of the GitHub API simulator, which serves a %d-job workflow (two independent jobs: "
                + "a job with `needs` is enqueued only once the JobResults it needs arrived, and no orchestrator runs here). "
                + "Latency is from "
                + "the moment each request was due (coordinated-omission aware) to its 2xx, and to each JobRequest's "
                + "arrival at the bench's consumer of the jobs queue; HdrHistogram.%n%n",
            payload.getInteger("bytes"),
            payload.getInteger("repositories"),
            payload.getInteger("jobs_per_push")));
    md.append(
        "| Phase | deliveries/s accepted (2xx) | JobRequests/s confirmed | JobRequests/s consumed "
            + "| to 2xx p50 / p99 / p99.9 / max (ms) | to JobRequest p50 / p99 / p99.9 / max (ms) | non-2xx / errors |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    md.append(phaseRow("HTTP maximum: closed loop, " + concurrency + " requests in flight", http));
    md.append(
        phaseRow(
            "End-to-end maximum: "
                + concurrency
                + " deliveries in flight until their JobRequests arrived",
            e2e));
    md.append(
        phaseRow(
            String.format(
                Locale.ROOT,
                "Fixed rate %.0f/s (half the sustained maximum), open loop",
                fixed.getDouble("target_rate_per_second")),
            fixed));
    md.append("\n");
    md.append(
        String.format(
            Locale.ROOT,
            "**Sustained maximum: %s deliveries/s (%s JobRequests/s)**, the lower of the "
                + "HTTP maximum and the end-to-end maximum. When webhooks arrive faster than that, the service keeps "
                + "accepting them first: in the HTTP-maximum phase it answered %s/s while the intake side turned only %s "
                + "deliveries/s into JobRequests (the two share the CPU), and %,d deliveries were waiting, durably, in the "
                + "intake queue at the end (the bench then purged them). That phase's JobRequest latency therefore measures "
                + "a growing backlog, not the service. At the fixed rate the client reported 2xx p99 %s ms from the actual "
                + "send time vs %s ms from the due time (the difference is time spent waiting for a connection).%n%n",
            num(svc.getDouble("max_sustained_deliveries_per_second")),
            num(
                svc.getDouble("max_sustained_deliveries_per_second")
                    * payload.getInteger("jobs_per_push")),
            num(http.getDouble("accepted_per_second")),
            num(
                http.getDouble("jobrequests_consumed_per_second")
                    / payload.getInteger("jobs_per_push")),
            http.getLong("intake_backlog_at_end", 0L),
            ms(fixed.getJsonObject("http_ms_from_sent"), "p99"),
            ms(fixed.getJsonObject("http_ms_from_intended"), "p99")));

    md.append("### Limits on the same machine and broker\n\n");
    double svcRate = http.getDouble("accepted_per_second");
    double perfRate = perf.getDouble("sending_rate_per_second", 0.0);
    double bareRate = bare.getDouble("accepted_per_second");
    md.append("| What | messages or requests/s | service HTTP maximum / it |\n|---|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| Service: webhooks accepted (each one a persistent, confirmed publish "
                + "of the body to the intake queue) | %s | 1 |%n",
            num(svcRate)));
    md.append(
        String.format(
            Locale.ROOT,
            "| RabbitMQ PerfTest: persistent %,d-byte messages, publisher confirms "
                + "(≤ %d unconfirmed), 1 producer + 1 consumer, durable queue | %s published (%s consumed) | **%s** |%n",
            payload.getInteger("bytes"),
            concurrency,
            num(perfRate),
            num(perf.getDouble("receiving_rate_per_second", 0.0)),
            ratio(svcRate, perfRate)));
    md.append(
        String.format(
            Locale.ROOT,
            "| Bare Vert.x server answering 202 (reads the body, nothing else), "
                + "same client and requests | %s | **%s** |%n%n",
            num(bareRate),
            ratio(svcRate, bareRate)));
    JsonObject pc = perf.getJsonObject("confirm_latency_ms", new JsonObject());
    md.append(
        String.format(
            Locale.ROOT,
            "PerfTest confirm latency p50 / p95 / p99: %s / %s / %s ms. Bare server "
                + "2xx p50 / p99 / p99.9: %s / %s / %s ms.%n%n",
            pc.getValue("p50", "–"),
            pc.getValue("p95", "–"),
            pc.getValue("p99", "–"),
            ms(bare.getJsonObject("http_ms_from_intended"), "p50"),
            ms(bare.getJsonObject("http_ms_from_intended"), "p99"),
            ms(bare.getJsonObject("http_ms_from_intended"), "p99_9")));

    md.append(
        "### Where the CPU went (cores busy, of "
            + r.getJsonObject("machine").getInteger("nproc")
            + ")\n\n");
    md.append(
        "| Phase | server under test | RabbitMQ | bench (load generator, simulator, consumer) | "
            + "kernel interrupts (loopback TCP, disk) | other processes (other people's work) | whole machine |\n"
            + "|---|---|---|---|---|---|---|\n");
    md.append(cpuRow("Service, HTTP maximum", http.getJsonObject("cpu")));
    md.append(cpuRow("Service, end-to-end maximum", e2e.getJsonObject("cpu")));
    md.append(cpuRow("Service, fixed rate", fixed.getJsonObject("cpu")));
    md.append(cpuRow("Bare server", bare.getJsonObject("cpu")));
    JsonObject perfCpu = perf.getJsonObject("cpu", new JsonObject());
    md.append(
        String.format(
            Locale.ROOT,
            "| PerfTest | (PerfTest's JVM: not sampled) | %s | – | – | – | %s |%n%n",
            perfCpu.getValue("broker_cores", "–"),
            perfCpu.getValue("machine_busy_cores", "–")));

    md.append(economy(r, svc));
    md.append(memory(r));
    md.append(method(r));
    return md.toString();
  }

  private static String economy(JsonObject r, JsonObject svc) {
    StringBuilder md = new StringBuilder("## GitHub API economy (counted by the simulator)\n\n");
    md.append(
        "| Push | token mints | contents reads 200 / 304 | check-run creates | check-run updates | calls "
            + "| calls against the rate limit | calls per job |\n|---|---|---|---|---|---|---|---|\n");
    JsonObject e = r.getJsonObject("economy");
    String[][] cases = {
      {"first_push", "First push to a new installation"},
      {"repeat_push_same_commit", "Same commit again (new delivery id)"},
      {"new_commit_same_workflow", "New commit, unchanged workflow file"}
    };
    for (String[] c : cases) {
      JsonObject x = e.getJsonObject(c[0]);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d / %d | %d | %d | %d | %d | %s |%n",
              c[1],
              x.getLong("token_mints"),
              x.getLong("contents_200"),
              x.getLong("contents_304"),
              x.getLong("check_run_creates"),
              x.getLong("check_run_updates", 0L),
              x.getLong("total_calls"),
              x.getLong("rate_limited_calls"),
              x.getValue("calls_per_job")));
    }
    JsonObject load = svc.getJsonObject("github_calls_under_load");
    long jobs = load.getLong("jobrequests", 0L);
    long total = load.getLong("total", 0L);
    long deliveries = jobs / r.getJsonObject("payload").getInteger("jobs_per_push");
    List<String> parts = new ArrayList<>();
    for (String k : load.fieldNames()) {
      if (!k.equals("total") && !k.equals("jobrequests")) {
        parts.add("`" + k + "` " + load.getValue(k));
      }
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nUnder load (all measured service phases): %,d GitHub calls for %,d "
                + "JobRequests (%,d deliveries), %s calls per delivery: %s. A 304 is free against GitHub's rate limit; a mint "
                + "happens once per installation per token lifetime (1 h).%n%n",
            total,
            jobs,
            deliveries,
            deliveries == 0 ? "–" : String.format(Locale.ROOT, "%.2f", (double) total / deliveries),
            String.join(", ", parts)));
    md.append(
        "The bench lifts the service's GitHub write pacing (`GITHUB_WRITES_PER_MINUTE`, `GITHUB_WRITES_PER_HOUR`, "
            + "`GITHUB_WRITE_MIN_INTERVAL=0ms`): real GitHub would not allow it. With the defaults (GitHub's secondary "
            + "limits: 80 content-creating requests per minute and 500 per hour per installation, sent serially) a "
            + "2-job push costs 2 writes, so **one installation gets at most 40 pushes per minute in a burst and 250 "
            + "pushes per hour sustained**, whatever the service's own speed; the figures above are what the service "
            + "itself can do across many installations.\n\n");
    return md.toString();
  }

  private static String memory(JsonObject r) {
    JsonObject m = r.getJsonObject("memory");
    StringBuilder md = new StringBuilder("## Memory and start-up (service process)\n\n");
    JsonArray starts = m.getJsonArray("cold_starts");
    List<String> each = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      long v = starts.getJsonObject(i).getLong("ready_ms");
      values.add(v);
      each.add(Long.toString(v));
    }
    values.sort(null);
    JsonObject idle = m.getJsonObject("idle");
    JsonObject sus = m.getJsonObject("sustained_load");
    JsonObject peak = m.getJsonObject("http_max_load");
    md.append("| Figure | value |\n|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| Start-up: process start → `/health/ready` 200 (AMQP connected, publisher "
                + "and consumers up), cold JVM | median %d ms (runs: %s ms) |%n",
            values.get(values.size() / 2),
            String.join(", ", each)));
    md.append(
        String.format(
            Locale.ROOT,
            "| RSS when ready | %s MiB |%n",
            starts.getJsonObject(starts.size() - 1).getValue("rss_mib_at_ready")));
    md.append(
        String.format(
            Locale.ROOT,
            "| Idle after start: heap used / RSS (median) | %s / %s MiB |%n",
            idle.getValue("heap_used_mib_median"),
            idle.getValue("rss_mib_median")));
    md.append(
        String.format(
            Locale.ROOT,
            "| Sustained load (end-to-end and fixed-rate phases): heap used median / max "
                + "| %s / %s MiB |%n",
            sus.getValue("heap_used_mib_median"),
            sus.getValue("heap_used_mib_max")));
    md.append(
        String.format(
            Locale.ROOT,
            "| Sustained load: RSS median / max | %s / %s MiB |%n",
            sus.getValue("rss_mib_median"),
            sus.getValue("rss_mib_max")));
    md.append(
        String.format(
            Locale.ROOT,
            "| HTTP-maximum phase: heap used max / RSS max | %s / %s MiB |%n",
            peak.getValue("heap_used_mib_max"),
            peak.getValue("rss_mib_max")));
    md.append(
        String.format(
            Locale.ROOT,
            "| Peak RSS over the whole run (VmHWM) | %s MiB |%n",
            m.getValue("rss_peak_mib")));
    md.append(
        String.format(
            Locale.ROOT,
            "| Graceful stop (SIGTERM → exit) | %d ms |%n%n",
            m.getLong("shutdown_ms")));
    md.append(
        String.format(
            Locale.ROOT,
            "JVM options: `%s` (default GC, G1, on this machine). Heap in use is sampled "
                + "once a second from `/metrics` (`jvm_memory_used_bytes{area=\"heap\"}`), RSS from /proc (time series in "
                + "`docs/bench/memory.csv`); heap in use swings with G1's young collections, so the median matters more "
                + "than the max.%n%n",
            m.getString("jvm_options")));
    return md.toString();
  }

  private static String method(JsonObject r) {
    JsonObject machine = r.getJsonObject("machine");
    StringBuilder md = new StringBuilder("## How the end-to-end figures were made\n\n");
    md.append("Command (from the repository root):\n\n```\n")
        .append(r.getString("command"))
        .append("\n```\n\n");
    md.append(
        "`scripts/bench.sh` builds the service and the bench, makes sure RabbitMQ runs, and rewrites this part "
            + "of the file (between the `bench:` markers) and `docs/bench/`; the run takes a few minutes. "
            + "`scripts/bench.sh --smoke` is the CI mode: a few seconds per phase, results in `bench/target/bench-smoke/`, "
            + "docs left alone. Phases in order: cold starts of the service (3; 1 in smoke mode); the GitHub API economy "
            + "(one delivery at a time); warm-up; HTTP maximum; end-to-end maximum; fixed rate; then, with the service "
            + "stopped, the bare server (after its own warm-up) and PerfTest.\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s → %s (%s mode). Machine: %d CPUs (%s), %s RAM, %s; RabbitMQ %s "
                + "(classic durable queues, default configuration). Load average at start %s, at end %s.%n%n",
            r.getString("started_at"),
            r.getString("finished_at"),
            r.getString("mode"),
            machine.getInteger("nproc"),
            machine.getString("cpu_model"),
            gib(machine.getString("memory")),
            machine.getString("kernel"),
            lastLine(machine.getString("rabbitmq_version")),
            firstThree(machine.getString("load_average_at_start")),
            firstThree(r.getString("load_average_at_end"))));
    md.append("```\n").append(machine.getString("java_version")).append("\n```\n\n");
    if (r.getString("source") != null) {
      md.append("Service built from the working tree: `")
          .append(r.getString("source"))
          .append("`.\n\n");
    }
    md.append(
        "Raw results: `docs/bench/results.json` (every figure above and the service's environment), HdrHistogram "
            + "percentile distributions `docs/bench/<phase>.<latency>.hgrm` (ms), `docs/bench/memory.csv`.\n\n");
    md.append("Notes, honestly:\n\n");
    md.append(
        "- **Everything shares 2 cores**: the service, RabbitMQ, the load generator, the GitHub simulator and "
            + "the JobRequest consumer (the bench JVM), plus whatever else ran on the machine (the CPU table shows it). "
            + "The service's absolute figures would be higher with the broker and the load on other machines; the "
            + "ratios compare like with like only because PerfTest and the bare server ran on the same crowded "
            + "machine too. PerfTest and the bare server ran while the service was stopped.\n");
    md.append(
        "- **Error bars**: one run per figure. On this shared machine throughput varies by roughly ±10–20 % "
            + "between runs and the p99.9/max latencies by much more (a GC pause or another process's burst); treat "
            + "them as orders of magnitude.\n");
    md.append(
        "- **What limits the service**: the HTTP side does per request an HMAC-SHA256 over the body, a JSON "
            + "parse and a persistent publish of the body to the intake queue, answering only after the broker's "
            + "confirm, on one HTTP event loop; the intake side does per delivery a contents read (ETag-cached), two "
            + "check-run creates, a KDL parse and two confirmed publishes, at most `INTAKE_PREFETCH` (64) deliveries at "
            + "a time. The two cores were busy throughout every load phase (CPU table), the service itself using less "
            + "than one of them: the first limit here is the machine's CPU, shared with the broker, the bench and other "
            + "work. Whether the service has a limit of its own just beyond that (its single HTTP event loop, the intake "
            + "prefetch) cannot be told on this machine; it was not profiled.\n");
    md.append(
        "- **The bare-server figure is a floor** of the HTTP limit: its client is the same single-event-loop "
            + "Vert.x client, and client and server shared the cores with other work.\n");
    md.append(
        "- **The simulator answers in well under a millisecond**; api.github.com takes tens to hundreds of "
            + "milliseconds per call, so with real GitHub each delivery takes longer and the end-to-end rate is bounded "
            + "by `INTAKE_PREFETCH` ÷ (time per delivery), then by the write pacing above.\n");
    md.append(
        "- The bench sets `WEBHOOK_RATE_LIMIT_PER_MINUTE=0` (all requests come from 127.0.0.1; the default "
            + "6,000/min per source would cap the run at 100/s) and lifts the GitHub write pacing; everything else is "
            + "the service's default configuration (`service_env` in results.json). The simulator's call log is "
            + "swapped for a non-copy-on-write list so the simulator's bookkeeping stays cheap.\n");
    md.append(
        "- JobRequest latency ends at the bench's consumer (auto-ack), which stands in for the orchestrator; "
            + "the time a message sits in the jobs queue is included.\n");
    return md.toString();
  }

  private static String phaseRow(String name, JsonObject p) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %d / %d |%n",
        name,
        num(p.getDouble("accepted_per_second")),
        num(p.getDouble("jobrequests_confirmed_per_second")),
        num(p.getDouble("jobrequests_consumed_per_second")),
        four(p.getJsonObject("http_ms_from_intended")),
        four(p.getJsonObject("jobrequest_ms_from_intended")),
        p.getLong("rejected_non_2xx"),
        p.getLong("failed_io"));
  }

  private static String cpuRow(String name, JsonObject c) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %s |%n",
        name,
        c.getValue("target_cores"),
        c.getValue("broker_cores"),
        c.getValue("bench_cores"),
        c.getValue("kernel_irq_cores"),
        c.getValue("other_processes_cores"),
        c.getValue("machine_busy_cores"));
  }

  private static String four(JsonObject h) {
    if (h == null || h.getLong("count", 0L) == 0) {
      return "–";
    }
    return ms(h, "p50") + " / " + ms(h, "p99") + " / " + ms(h, "p99_9") + " / " + ms(h, "max");
  }

  private static String ms(JsonObject h, String key) {
    if (h == null || h.getValue(key) == null) {
      return "–";
    }
    double v = h.getDouble(key);
    return v >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
  }

  private static String ratio(double a, double b) {
    return b <= 0 ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static int concurrencyOf(JsonObject r) {
    String cmd = r.getJsonObject("perftest").getString("command", "");
    int i = cmd.indexOf(" -c ");
    if (i < 0) {
      return 64;
    }
    String rest = cmd.substring(i + 4).trim();
    return Integer.parseInt(
        rest.substring(0, rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' ')));
  }

  /** "24683656 kB" -> "23.5 GiB". */
  private static String gib(String meminfo) {
    try {
      return String.format(
          Locale.ROOT, "%.1f GiB", Long.parseLong(meminfo.replace("kB", "").trim()) / 1048576.0);
    } catch (NumberFormatException e) {
      return meminfo;
    }
  }

  private static String lastLine(String s) {
    String[] l = s.trim().split("\n");
    return l[l.length - 1].trim();
  }

  private static String firstThree(String loadavg) {
    String[] f = loadavg.split("\\s+");
    return f.length >= 3 ? f[0] + " / " + f[1] + " / " + f[2] : loadavg;
  }
}
