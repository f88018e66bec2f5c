package dev.solstice.orchestrator;

import dev.solstice.platform.amqp.Telemetry;
import dev.solstice.platform.config.HelpOption;
import dev.solstice.platform.config.InvalidConfigurationException;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs the stub orchestrator. Configuration comes from environment variables only (so it never
 * shows up in a process listing); the flags are {@code --execute} and {@code --help}.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /**
   * Upper bound for finishing in-flight jobs on SIGTERM; container runtimes kill after their own
   * grace period anyway.
   */
  private static final long SHUTDOWN_WAIT_MINUTES = 60;

  private Main() {}

  /** The command line: {@code --execute} and {@code --help}. */
  @Command(name = "orchestrator-stub")
  static final class Flags {
    @Option(names = "--execute")
    boolean execute;

    @Mixin HelpOption help;
  }

  public static void main(String[] args) {
    Flags flags;
    try {
      flags = parse(args);
    } catch (ParameterException e) {
      System.err.println(problem(e));
      usage(System.err);
      System.exit(2);
      return;
    }
    if (flags.help.requested()) {
      usage(System.out);
      return;
    }
    boolean execute = flags.execute;
    StubSettings settings;
    try {
      settings = StubSettings.fromEnv(System.getenv());
    } catch (InvalidConfigurationException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (execute) {
      settings = settings.withExecute(true);
    }
    OpenTelemetry telemetry;
    try {
      telemetry = Telemetry.fromEnv(System.getenv(), "orchestrator-stub");
    } catch (InvalidConfigurationException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(settings, telemetry);
  }

  private static void run(StubSettings settings, OpenTelemetry telemetry) {
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(new StubOrchestratorVerticle(settings, telemetry))
        .onFailure(
            e -> {
              LOG.error("could not start: {}", e.toString());
              vertx.close().onComplete(ar -> System.exit(1));
            });
    // SIGTERM/SIGINT: closing Vert.x undeploys the verticle, which finishes the jobs in flight.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx
                        .close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(SHUTDOWN_WAIT_MINUTES, TimeUnit.MINUTES);
                  } catch (Exception e) {
                    LOG.warn("shutdown did not complete cleanly: {}", e.toString());
                  }
                },
                "solstice-stub-shutdown"));
  }

  /** The flags of {@code args}; throws on an unknown argument. */
  static Flags parse(String... args) {
    Flags flags = new Flags();
    new CommandLine(flags).setExpandAtFiles(false).parseArgs(args);
    return flags;
  }

  /** The parse error, worded as before picocli: {@code unknown argument: X}. */
  static String problem(ParameterException e) {
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      return "unknown argument: " + u.getUnmatched().get(0);
    }
    return e.getMessage();
  }

  static void usage(PrintStream out) {
    out.println(
        """
        Solstice CI stub orchestrator: consumes JobRequests from RabbitMQ and publishes JobResults.

        Usage: java -jar orchestrator-stub.jar [--execute] [--help]

          --execute   run each job's script with bash -e in a temporary directory (default: simulate)
          --help      print this help and exit

        Environment (defaults in brackets):
        """
            + StubSettings.CATALOGUE.text("  ")
            + """

        Per job (in the JobRequest's env, simulate mode):
          SOLSTICE_STUB_OUTCOME     conclusion, e.g. failure
          SOLSTICE_STUB_DURATION_MS duration in milliseconds
        """);
  }
}
