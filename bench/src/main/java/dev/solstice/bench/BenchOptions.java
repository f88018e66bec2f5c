package dev.solstice.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options. Durations are per measured phase; {@code --budget} derives them from a
 * total wall-clock budget instead, so "a few minutes" can be asked for directly.
 *
 * @param smoke CI mode: a few seconds per phase, one cold start, results kept out of docs/
 * @param phaseSeconds measured seconds of each load phase (service max, end-to-end, fixed rate)
 * @param warmupSeconds unmeasured load before the first measured phase (JIT, connection pools)
 * @param coldStarts service starts timed for the start-up figure (the last one stays up for load)
 * @param concurrency requests in flight in closed-loop phases, and PerfTest's unconfirmed window
 * @param repos repositories (one installation each) the deliveries are spread over
 */
record BenchOptions(
    boolean smoke,
    int phaseSeconds,
    int warmupSeconds,
    int coldStarts,
    int concurrency,
    int repos,
    String amqpUrl,
    Path serviceJar,
    Path benchJar,
    Path outDir,
    Path doc,
    String jvmOpts,
    String commandLine,
    Path renderOnly) {

  static final String USAGE = """
      Usage: java -jar bench/target/solstice-bench.jar [options]   (normally run by scripts/bench.sh)
        --smoke              a few seconds per phase (CI); writes to bench/target/bench-smoke, not docs/
        --duration SECONDS   measured seconds per load phase [30; smoke 4]
        --budget SECONDS     total budget; derives --duration from it
        --concurrency N      requests in flight in closed-loop phases [64]
        --repos N            repositories/installations to spread deliveries over [64]
        --amqp-url URL       broker [amqp://guest:guest@127.0.0.1:5672/%2f]
        --service-jar PATH   [github-integration/target/github-integration.jar]
        --bench-jar PATH     this jar, for the PerfTest and bare-server JVMs [bench/target/solstice-bench.jar]
        --out DIR            raw results [docs/bench; smoke: bench/target/bench-smoke]
        --doc FILE           markdown to update [docs/benchmarks.md; smoke: OUT/benchmarks.md]
        --jvm-opts "..."     JVM options of the service, bare server and PerfTest [-Xmx512m]
        --command "..."      the command line to print in the report
        --render FILE        only re-render --doc from a results.json of an earlier run (no load)
      """;

  static BenchOptions parse(String[] args) {
    boolean smoke = false;
    Integer duration = null;
    Integer budget = null;
    int concurrency = 64;
    int repos = 64;
    String amqp = "amqp://guest:guest@127.0.0.1:5672/%2f";
    Path serviceJar = Path.of("github-integration/target/github-integration.jar");
    Path benchJar = Path.of("bench/target/solstice-bench.jar");
    Path out = null;
    Path doc = null;
    String jvmOpts = "-Xmx512m";
    String command = null;
    Path render = null;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String a = rest.remove(0);
      switch (a) {
        case "--smoke" -> smoke = true;
        case "--duration" -> duration = Integer.parseInt(value(a, rest));
        case "--budget" -> budget = Integer.parseInt(value(a, rest));
        case "--concurrency" -> concurrency = Integer.parseInt(value(a, rest));
        case "--repos" -> repos = Integer.parseInt(value(a, rest));
        case "--amqp-url" -> amqp = value(a, rest);
        case "--service-jar" -> serviceJar = Path.of(value(a, rest));
        case "--bench-jar" -> benchJar = Path.of(value(a, rest));
        case "--out" -> out = Path.of(value(a, rest));
        case "--doc" -> doc = Path.of(value(a, rest));
        case "--jvm-opts" -> jvmOpts = value(a, rest);
        case "--command" -> command = value(a, rest);
        case "--render" -> render = Path.of(value(a, rest));
        case "--help", "-h" -> throw new UsageException(USAGE);
        default -> throw new UsageException("unknown option " + a + "\n" + USAGE);
      }
    }
    int phase;
    if (duration != null) {
      phase = duration;
    } else if (budget != null) {
      // Five phases of about one measured period each, plus ~40 s of starts, drains and warm-up.
      phase = Math.max(3, (budget - 40) / 5);
    } else {
      phase = smoke ? 4 : 30;
    }
    if (phase < 1 || concurrency < 1 || repos < 1) {
      throw new UsageException("--duration, --concurrency and --repos must be positive");
    }
    int warmup = smoke ? 3 : Math.max(5, phase / 2);
    if (out == null) {
      out = smoke ? Path.of("bench/target/bench-smoke") : Path.of("docs/bench");
    }
    if (doc == null) {
      doc = smoke ? out.resolve("benchmarks.md") : Path.of("docs/benchmarks.md");
    }
    if (command == null) {
      command = "java -jar " + benchJar + " " + String.join(" ", args);
    }
    return new BenchOptions(smoke, phase, warmup, smoke ? 1 : 3, concurrency, repos, amqp, serviceJar,
        benchJar, out, doc, jvmOpts, command, render);
  }

  private static String value(String flag, List<String> rest) {
    if (rest.isEmpty()) {
      throw new UsageException(flag + " needs a value");
    }
    return rest.remove(0);
  }

  /** A bad command line: the message is printed as is. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
