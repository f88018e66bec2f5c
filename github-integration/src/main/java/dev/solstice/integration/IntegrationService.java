package dev.solstice.integration;

import dev.solstice.integration.amqp.AmqpConnector;
import dev.solstice.integration.amqp.ConfirmingPublisher;
import dev.solstice.integration.amqp.JobPublisher;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.http.HttpVerticle;
import dev.solstice.integration.http.SourceRateLimiter;
import dev.solstice.integration.intake.DefaultJobPlanner;
import dev.solstice.integration.intake.DeliveryLedger;
import dev.solstice.integration.intake.DeliveryProcessor;
import dev.solstice.integration.intake.InMemoryDeliveryLedger;
import dev.solstice.integration.intake.IntakeQueue;
import dev.solstice.integration.intake.IntakeVerticle;
import dev.solstice.integration.intake.JobPlanner;
import dev.solstice.integration.intake.RedisDeliveryLedger;
import dev.solstice.integration.ops.Metrics;
import dev.solstice.integration.ops.Readiness;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.integration.webhook.WebhookHandler;
import dev.solstice.integration.webhook.WebhookParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled service: one AMQP connection, the webhook endpoint, the intake consumer, health
 * and metrics. {@code Main} starts one from the environment; tests start one from a config.
 */
public final class IntegrationService {

  private static final Logger LOG = LoggerFactory.getLogger(IntegrationService.class);

  private final Vertx vertx;
  private final AmqpConnector connector;
  private final ConfirmingPublisher publisher;
  private final Redis redis;
  private final List<String> deployments;
  private final HttpVerticle http;
  private final IntakeVerticle intakeVerticle;
  private final Readiness readiness;

  private IntegrationService(Vertx vertx, AmqpConnector connector, ConfirmingPublisher publisher, Redis redis,
      List<String> deployments, HttpVerticle http, IntakeVerticle intakeVerticle, Readiness readiness) {
    this.vertx = vertx;
    this.connector = connector;
    this.publisher = publisher;
    this.redis = redis;
    this.deployments = deployments;
    this.http = http;
    this.intakeVerticle = intakeVerticle;
    this.readiness = readiness;
  }

  /** Builds the job planner from the shared pieces; the default plans one job per trigger. */
  @FunctionalInterface
  public interface PlannerFactory extends Function<Parts, JobPlanner> {
  }

  /** What a planner may use. */
  public record Parts(Vertx vertx, AppConfig config, Clock clock, RedisAPI redis, Metrics metrics) {
  }

  public static Future<IntegrationService> start(Vertx vertx, AppConfig config, MeterRegistry registry, Clock clock) {
    return start(vertx, config, registry, clock,
        parts -> new DefaultJobPlanner(parts.clock(), parts.config()::runsOnFor));
  }

  public static Future<IntegrationService> start(Vertx vertx, AppConfig config, MeterRegistry registry, Clock clock,
      PlannerFactory plannerFactory) {
    config.warnings().forEach(w -> LOG.warn(w));
    Metrics metrics = new Metrics(registry);
    AmqpConnector connector = new AmqpConnector(config.amqpUri(), "solstice-github-integration");
    ConfirmingPublisher publisher = new ConfirmingPublisher(vertx, connector, config.confirmTimeout(),
        List.of(config.intake(), config.jobs()), "main");
    IntakeQueue intake = new IntakeQueue(publisher, config.intake(), config.retryDelays());

    Redis redis = config.redisUrl() == null ? null
        : Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redisUrl()).setMaxPoolWaiting(1024));
    RedisAPI redisApi = redis == null ? null : RedisAPI.api(redis);
    DeliveryLedger ledger = redisApi == null
        ? new InMemoryDeliveryLedger(config.deliveryDedupTtl(), 1_000_000, clock)
        : new RedisDeliveryLedger(redisApi, "solstice:delivery:", config.deliveryDedupTtl());

    JobPlanner planner = plannerFactory.apply(new Parts(vertx, config, clock, redisApi, metrics));
    DeliveryProcessor processor = new DeliveryProcessor(new WebhookParser(), planner,
        new JobPublisher(publisher, config.jobs()), ledger);
    IntakeVerticle intakeVerticle = new IntakeVerticle(connector, intake, processor, config.intakePrefetch(),
        config.maxAttempts(), metrics);

    Readiness readiness = new Readiness(vertx)
        .check("amqp-connection", connector::isOpen)
        .check("amqp-publisher", publisher::isReady)
        .check("intake-consumer", intakeVerticle::isConsuming);
    if (redis != null) {
      readiness.check("redis", ledger::isHealthy);
    }

    WebhookHandler webhook = new WebhookHandler(new SignatureVerifier(config.webhookSecrets()),
        config.allowUnsignedWebhooks(), new WebhookParser(), intake, clock, metrics);
    HttpVerticle http = new HttpVerticle(config.httpHost(), config.httpPort(), config.webhookPath(),
        config.maxBodyBytes(), webhook, new SourceRateLimiter(config.rateLimitPerMinute()),
        readiness.liveness(), readiness.readiness(),
        registry instanceof PrometheusMeterRegistry prom ? PrometheusScrapingHandler.create(prom) : null);

    connector.start();
    return vertx.deployVerticle(intakeVerticle)
        .compose(intakeId -> vertx.deployVerticle(http).map(httpId -> List.of(httpId, intakeId)))
        .map(ids -> new IntegrationService(vertx, connector, publisher, redis, ids, http, intakeVerticle, readiness));
  }

  public int httpPort() {
    return http.actualPort();
  }

  public boolean isReady() {
    return connector.isOpen() && publisher.isReady() && intakeVerticle.isConsuming();
  }

  public Readiness readiness() {
    return readiness;
  }

  /**
   * Graceful stop: stop accepting webhooks, stop consuming, let in-flight confirms and acks finish
   * (bounded), then close the connection. Unacked deliveries go back to the queue.
   */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (String id : deployments) {
      undeployed = undeployed.compose(v -> vertx.undeploy(id));
    }
    return undeployed
        .compose(v -> drain(System.currentTimeMillis() + 10_000))
        .eventually(() -> {
          publisher.close();
          connector.close();
          if (redis != null) {
            redis.close();
          }
          return Future.succeededFuture();
        });
  }

  private Future<Void> drain(long deadline) {
    if (publisher.inFlight() == 0 || System.currentTimeMillis() > deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(v -> drain(deadline));
  }
}
