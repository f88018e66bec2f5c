package dev.solstice.bench;

import dev.solstice.platform.config.HelpOption;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

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
 * @param only the one phase to run ({@code gateway}), or null for all of them
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
    Path renderOnly,
    String only) {

  static final String USAGE =
      """
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
        --only PHASE         run one phase only: gateway (issue 13) or fairness (issue 14);
                             each writes its own section of --doc
      """;

  /**
   * The command line as picocli sees it; {@link #parse} derives the defaults that depend on
   * --smoke.
   */
  @Command(name = "solstice-bench")
  static final class Flags {
    @Option(names = "--smoke")
    boolean smoke;

    @Option(names = "--duration", paramLabel = "SECONDS")
    Integer duration;

    @Option(names = "--budget", paramLabel = "SECONDS")
    Integer budget;

    @Option(names = "--concurrency", paramLabel = "N")
    int concurrency = 64;

    @Option(names = "--repos", paramLabel = "N")
    int repos = 64;

    @Option(names = "--amqp-url", paramLabel = "URL")
    String amqp = "amqp://guest:guest@127.0.0.1:5672/%2f";

    @Option(names = "--service-jar", paramLabel = "PATH")
    Path serviceJar = Path.of("github-integration/target/github-integration.jar");

    @Option(names = "--bench-jar", paramLabel = "PATH")
    Path benchJar = Path.of("bench/target/solstice-bench.jar");

    @Option(names = "--out", paramLabel = "DIR")
    Path out;

    @Option(names = "--doc", paramLabel = "FILE")
    Path doc;

    @Option(names = "--jvm-opts", paramLabel = "OPTS")
    String jvmOpts = "-Xmx512m";

    @Option(names = "--command", paramLabel = "LINE")
    String command;

    @Option(names = "--render", paramLabel = "FILE")
    Path render;

    @Option(names = "--only", paramLabel = "PHASE")
    String only;

    @Mixin HelpOption help;
  }

  static BenchOptions parse(String[] args) {
    Flags f = new Flags();
    try {
      new CommandLine(f).setExpandAtFiles(false).parseArgs(args);
    } catch (UnmatchedArgumentException e) {
      throw new UsageException("unknown option " + e.getUnmatched().get(0) + "\n" + USAGE);
    } catch (MissingParameterException e) {
      throw new UsageException(
          (e.getMissing().isEmpty() || !(e.getMissing().get(0) instanceof OptionSpec o)
              ? e.getMessage()
              : o.longestName() + " needs a value"));
    } catch (ParameterException e) {
      throw new UsageException(e.getMessage() + "\n" + USAGE);
    }
    if (f.help.requested()) {
      throw new UsageException(USAGE);
    }
    int phase;
    if (f.duration != null) {
      phase = f.duration;
    } else if (f.budget != null) {
      // Five phases of about one measured period each, plus ~40 s of starts, drains and warm-up.
      phase = Math.max(3, (f.budget - 40) / 5);
    } else {
      phase = f.smoke ? 4 : 30;
    }
    if (f.only != null && !f.only.equals("gateway") && !f.only.equals("fairness")) {
      throw new UsageException("--only: expected gateway or fairness, got \"" + f.only + "\"");
    }
    if (phase < 1 || f.concurrency < 1 || f.repos < 1) {
      throw new UsageException("--duration, --concurrency and --repos must be positive");
    }
    int warmup = f.smoke ? 3 : Math.max(5, phase / 2);
    if (f.out == null) {
      f.out = f.smoke ? Path.of("bench/target/bench-smoke") : Path.of("docs/bench");
    }
    if (f.doc == null) {
      f.doc = f.smoke ? f.out.resolve("benchmarks.md") : Path.of("docs/benchmarks.md");
    }
    if (f.command == null) {
      f.command = "java -jar " + f.benchJar + " " + String.join(" ", args);
    }
    return new BenchOptions(
        f.smoke,
        phase,
        warmup,
        f.smoke ? 1 : 3,
        f.concurrency,
        f.repos,
        f.amqp,
        f.serviceJar,
        f.benchJar,
        f.out,
        f.doc,
        f.jvmOpts,
        f.command,
        f.render,
        f.only);
  }

  /** Whether only the fairness phase runs ({@code --only fairness}). */
  boolean fairnessOnly() {
    return "fairness".equals(only);
  }

  /** A bad command line: the message is printed as is. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
