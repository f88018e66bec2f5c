package dev.solstice.integration;

import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.config.LaneSettings;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.intake.DeliveryProcessor;
import dev.solstice.integration.intake.FailureVerdicts;
import dev.solstice.integration.intake.FairShare;
import dev.solstice.integration.intake.InMemoryInstallationLanes;
import dev.solstice.integration.intake.InstallationLanes;
import dev.solstice.integration.intake.IntakeMessages;
import dev.solstice.integration.intake.IntakeQueue;
import dev.solstice.integration.intake.LaneMeters;
import dev.solstice.integration.intake.LaneWorker;
import dev.solstice.integration.intake.RedisInstallationLanes;
import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.RetryRoute;
import dev.solstice.platform.amqp.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fairness part of the assembly (issue 14): installation lanes (Redis when configured, else
 * this process), the set-aside decision, the safety copies on a delay queue of the intake flow, and
 * the lane workers. Nothing without a GitHub App (no writes to wait for) or with {@code
 * INTAKE_LANES=false}.
 */
final class FairnessWiring {
  private static final Logger LOG = LoggerFactory.getLogger(FairnessWiring.class);

  final FairShare share;
  private final Vertx vertx;
  private final LaneSettings settings;
  private final IntakeQueue intake;
  private final ConfirmingPublisher publisher;
  private final LaneMeters meters;
  private final Clock clock;

  private FairnessWiring(
      FairShare share,
      Vertx vertx,
      LaneSettings settings,
      IntakeQueue intake,
      ConfirmingPublisher publisher,
      LaneMeters meters,
      Clock clock) {
    this.share = share;
    this.vertx = vertx;
    this.settings = settings;
    this.intake = intake;
    this.publisher = publisher;
    this.meters = meters;
    this.clock = clock;
  }

  static FairnessWiring create(
      Vertx vertx,
      AppConfig config,
      RedisAPI redis,
      GitHubClient github,
      AmqpConnector connector,
      ConfirmingPublisher publisher,
      IntakeQueue intake,
      MeterRegistry registry,
      Clock clock) {
    LaneSettings settings = config.lanes();
    if (github == null || !settings.enabled()) {
      return new FairnessWiring(null, vertx, settings, intake, publisher, null, clock);
    }
    InstallationLanes lanes =
        redis == null
            ? new InMemoryInstallationLanes()
            : new RedisInstallationLanes(
                vertx,
                redis,
                config.redisKeys().prefix() + "lanes:",
                config.redisKeys().deliveryLeaseTtl(),
                config.deliveryDedupTtl());
    Duration safetyDelay = settings.safetyDelay();
    String safetyQueue = Topology.delayQueueName(intake.topology(), safetyDelay);
    connector.onConnect(
        connection -> {
          try (var channel = connection.createChannel()) {
            Topology.declareDelay(channel, intake.topology(), safetyDelay);
          } catch (Exception e) {
            LOG.warn(
                "could not declare the lanes' safety-copy queue {}: {}", safetyQueue, e.toString());
          }
        });
    FairShare.SafetyCopy copy =
        delivery -> publisher.publish("", safetyQueue, safetyProperties(delivery), delivery.body());
    LaneMeters meters = new LaneMeters(registry);
    FairShare share =
        new FairShare(
            lanes,
            github::writableAt,
            copy,
            clock,
            settings.setAsideAfter(),
            Duration.ofMinutes(1).dividedBy(config.github().pacing().writesPerMinute()),
            meters);
    LOG.info(
        "installation lanes on ({}): deliveries that cannot write within {} wait in their"
            + " installation's lane, served by {} workers",
        redis == null ? "in this process" : "in Redis",
        settings.setAsideAfter(),
        settings.workers());
    return new FairnessWiring(share, vertx, settings, intake, publisher, meters, clock);
  }

  /** The intake message of a safety copy: the same delivery and attempt, marked as a copy. */
  private static com.rabbitmq.client.AMQP.BasicProperties safetyProperties(WebhookDelivery d) {
    var props = IntakeMessages.properties(d, null);
    Map<String, Object> headers = new HashMap<>(props.getHeaders());
    headers.put(FairShare.SAFETY_COPY_HEADER, java.time.Instant.now().toString());
    return props.builder().headers(headers).build();
  }

  /** The lane workers for {@code processor}; null when lanes are off. */
  LaneWorker workers(
      DeliveryProcessor processor, dev.solstice.integration.intake.IntakeMetrics metrics) {
    if (share == null) {
      return null;
    }
    return new LaneWorker(
        vertx,
        share,
        processor,
        new RetryRoute(publisher, intake.topology(), intake.retries().delays()),
        intake.retries(),
        FailureVerdicts.SERVICE,
        meters,
        metrics,
        clock,
        settings.workers(),
        settings.poll());
  }
}
