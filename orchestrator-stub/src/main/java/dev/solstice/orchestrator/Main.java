package dev.solstice.orchestrator;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stub orchestrator. Configuration comes from environment variables only (so it never shows
 * up in a process listing); the flags are {@code --execute} and {@code --help}.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** Upper bound for finishing in-flight jobs on SIGTERM; container runtimes kill after their own grace period anyway. */
  private static final long SHUTDOWN_WAIT_MINUTES = 60;

  private Main() {
  }

  public static void main(String[] args) {
    boolean execute = false;
    for (String arg : args) {
      switch (arg) {
        case "--help", "-h" -> {
          usage(System.out);
          return;
        }
        case "--execute" -> execute = true;
        default -> {
          System.err.println("unknown argument: " + arg);
          usage(System.err);
          System.exit(2);
        }
      }
    }
    StubSettings settings;
    try {
      settings = StubSettings.fromEnv(System.getenv());
    } catch (InvalidSettingsException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (execute) {
      settings = settings.withExecute(true);
    }
    run(settings);
  }

  private static void run(StubSettings settings) {
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new StubOrchestratorVerticle(settings))
        .onFailure(e -> {
          LOG.error("could not start: {}", e.toString());
          vertx.close().onComplete(ar -> System.exit(1));
        });
    // SIGTERM/SIGINT: closing Vert.x undeploys the verticle, which finishes the jobs in flight.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(SHUTDOWN_WAIT_MINUTES, TimeUnit.MINUTES);
      } catch (Exception e) {
        LOG.warn("shutdown did not complete cleanly: {}", e.toString());
      }
    }, "solstice-stub-shutdown"));
  }

  static void usage(PrintStream out) {
    out.println("""
        Solstice CI stub orchestrator: consumes JobRequests from RabbitMQ and publishes JobResults.

        Usage: java -jar orchestrator-stub.jar [--execute] [--help]

          --execute   run each job's script with bash -e in a temporary directory (default: simulate)
          --help      print this help and exit

        Environment (defaults in brackets):
          AMQP_URL                  broker URL [amqp://127.0.0.1:5672/%2f]
          AMQP_EXCHANGE             JobRequest exchange [solstice.jobs]
          AMQP_ROUTING_KEY          JobRequest routing key [jobrequest.v1]
          AMQP_QUEUE                JobRequest queue [solstice.jobs.v1]
          AMQP_DLX                  dead-letter exchange, both flows [solstice.dlx]
          AMQP_DLQ                  JobRequest dead-letter queue [solstice.jobs.v1.dlq]
          AMQP_RESULTS_EXCHANGE     JobResult exchange [solstice.results]
          AMQP_RESULTS_ROUTING_KEY  JobResult routing key [jobresult.v1]
          AMQP_RESULTS_QUEUE        JobResult queue [solstice.results.v1]
          AMQP_RESULTS_DLQ          JobResult dead-letter queue [solstice.results.v1.dlq]
          AMQP_QUORUM               declare quorum queues [false]
          STUB_PREFETCH             jobs run at once (unacked JobRequests) [8]
          STUB_EXECUTE              same as --execute [false]
          STUB_DEFAULT_OUTCOME      conclusion of simulated jobs [success]
          STUB_DEFAULT_DURATION_MS  duration of simulated jobs [200]
          S3_ENDPOINT               S3-compatible endpoint for logs; unset: logs are not uploaded
          S3_BUCKET                 log bucket, created if missing [solstice-logs]
          S3_REGION                 signing region [us-east-1]
          S3_ACCESS_KEY, S3_SECRET_KEY  static credentials [AWS SDK default chain]

        Per job (in the JobRequest's env, simulate mode):
          SOLSTICE_STUB_OUTCOME     conclusion, e.g. failure
          SOLSTICE_STUB_DURATION_MS duration in milliseconds
        """);
  }
}
