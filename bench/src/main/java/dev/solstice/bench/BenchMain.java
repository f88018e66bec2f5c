package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Instant;

/**
 * One run of the benchmark: the service under load, its economy of GitHub calls, its memory and
 * start-up, then the broker's limit (PerfTest) and the HTTP limit (bare Vert.x) on the same machine
 * and broker; writes raw results and the figures sections of docs/benchmarks.md.
 *
 * <p>A benchmark, not a test: it exits non-zero only when it could not run (service would not
 * start, broker unreachable), never because of a number.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      System.err.println(e.getMessage());
      System.exit(args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2);
      return;
    }
    if (options.renderOnly() != null && options.fairnessOnly()) {
      try {
        JsonObject f = new JsonObject(Files.readString(options.renderOnly()));
        FairnessReport.splice(options.doc(), f, options.commandLine());
        System.out.println("rendered " + options.renderOnly() + " into " + options.doc());
        return;
      } catch (Exception e) {
        System.err.println("cannot render " + options.renderOnly() + ": " + e);
        System.exit(1);
      }
    }
    if (options.renderOnly() != null) {
      try {
        // Text changes to the report without a new run: the numbers come from the file, untouched.
        JsonObject results = new JsonObject(Files.readString(options.renderOnly()));
        DocSplicer.splice(options.doc(), Report.render(results));
        System.out.println("rendered " + options.renderOnly() + " into " + options.doc());
        return;
      } catch (Exception e) {
        System.err.println("cannot render " + options.renderOnly() + ": " + e);
        System.exit(1);
      }
    }
    BenchRun run = new BenchRun(options);
    if (options.fairnessOnly()) {
      fairnessOnly(options, run);
      return;
    }
    // Ctrl-C or a CI timeout: still stop the service and delete the queues.
    Thread hook = new Thread(run::cleanup, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit = 0;
    try {
      if ("gateway".equals(options.only())) {
        JsonObject results = run.executeGateway();
        writeGateway(options, results);
      } else {
        JsonObject results = run.execute();
        write(options, results);
        writeGateway(options, results);
      }
      run.keepPerfTestOutput();
      run.deleteWorkDir();
    } catch (Exception e) {
      System.err.println("bench failed: " + e);
      e.printStackTrace();
      exit = 1;
    } finally {
      run.cleanup();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running
      }
    }
    System.exit(exit);
  }

  private static void write(BenchOptions o, JsonObject results) throws Exception {
    Files.createDirectories(o.outDir());
    Files.writeString(o.outDir().resolve("results.json"), results.encodePrettily() + "\n");
    // The same figures one file per phase, for diffing runs.
    JsonObject svc = results.getJsonObject("service");
    perPhase(o, "service-http-max", svc.getJsonObject("http_max"));
    perPhase(o, "service-e2e-max", svc.getJsonObject("end_to_end_max"));
    perPhase(o, "service-fixed-half", svc.getJsonObject("fixed_half"));
    perPhase(o, "bare-http-max", results.getJsonObject("bare"));
    perPhase(o, "perftest", results.getJsonObject("perftest"));
    perPhase(o, "economy", results.getJsonObject("economy"));
    perPhase(o, "memory", results.getJsonObject("memory"));
    perPhase(o, "machine", results.getJsonObject("machine"));
    String section = Report.render(results);
    DocSplicer.splice(o.doc(), section);
    if (results.containsKey("fairness")) {
      perPhase(o, "fairness", results.getJsonObject("fairness"));
      FairnessReport.splice(o.doc(), results.getJsonObject("fairness"), o.commandLine());
    }
    System.out.println(section);
    System.out.println(
        "raw results: "
            + o.outDir()
            + "/ (results.json, *.hgrm, memory.csv); report: "
            + o.doc()
            + "; finished "
            + Instant.now());
  }

  /** Only the fairness phase (issue 14): its figures, and its own section of the doc. */
  private static void fairnessOnly(BenchOptions o, BenchRun run) {
    int exit = 0;
    try {
      JsonObject f = run.fairness();
      Files.createDirectories(o.outDir());
      perPhase(o, "fairness", f);
      FairnessReport.splice(o.doc(), f, o.commandLine());
      System.out.println(FairnessReport.render(f, o.commandLine()));
      run.deleteWorkDir();
    } catch (Exception e) {
      System.err.println("bench failed: " + e);
      e.printStackTrace();
      exit = 1;
    } finally {
      run.cleanup();
    }
    System.exit(exit);
  }

  /** The gateway's figures (issue 13): their own file and their own section of the doc. */
  private static void writeGateway(BenchOptions o, JsonObject results) throws Exception {
    Files.createDirectories(o.outDir());
    perPhase(o, "gateway", results.getJsonObject("gateway"));
    String section = GatewayReport.render(results);
    DocSplicer.splice(o.doc(), section, GatewayReport.BEGIN, GatewayReport.END);
    System.out.println(section);
  }

  private static void perPhase(BenchOptions o, String name, JsonObject figures) throws Exception {
    Files.writeString(o.outDir().resolve(name + ".json"), figures.encodePrettily() + "\n");
  }
}
