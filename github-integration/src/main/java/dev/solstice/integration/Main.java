package dev.solstice.integration;

import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.config.ConfigException;
import dev.solstice.integration.config.Flags;
import dev.solstice.integration.config.Help;
import dev.solstice.platform.amqp.Telemetry;
import dev.solstice.platform.config.InvalidConfigurationException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the GitHub integration service from environment variables (and two flags). */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    List<String> argList = Arrays.asList(args);
    if (!argList.isEmpty() && argList.get(0).equals("dlq")) {
      // Operator command: inspect and replay parked messages (docs/runbook.md), then exit.
      System.exit(
          dev.solstice.integration.cli.DlqCommand.run(
              argList.subList(1, argList.size()), System.getenv(), System.out, System.err));
      return;
    }
    // A bad flag is reported by AppConfig.fromEnv below, with every other configuration problem.
    if (Flags.parse(argList, new ArrayList<>()).help()) {
      System.out.println(Help.text());
      return;
    }
    AppConfig config;
    try {
      config = AppConfig.fromEnv(System.getenv(), argList);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.err.println("(run with --help for every variable and its default)");
      System.exit(2);
      return;
    }
    OpenTelemetry telemetry;
    try {
      telemetry = Telemetry.fromEnv(System.getenv(), "github-integration");
    } catch (InvalidConfigurationException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    // epoll on Linux when netty-transport-native-epoll is there (issue 18); NIO
                    // else
                    .setPreferNativeTransport(true)
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    LOG.info("starting with {}", config);
    IntegrationService.start(vertx, config, registry, Clock.systemUTC(), telemetry)
        .onSuccess(
            service ->
                Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> shutdown(vertx, service), "shutdown")))
        .onFailure(
            e -> {
              LOG.error("failed to start: {}", e.getMessage(), e);
              vertx.close();
              System.exit(1);
            });
  }

  private static void shutdown(Vertx vertx, IntegrationService service) {
    LOG.info("SIGTERM: stopping intake, finishing in-flight work");
    CountDownLatch done = new CountDownLatch(1);
    service.stop().eventually(vertx::close).onComplete(ar -> done.countDown());
    try {
      if (!done.await(20, TimeUnit.SECONDS)) {
        LOG.warn("graceful stop took longer than 20 s; exiting anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
