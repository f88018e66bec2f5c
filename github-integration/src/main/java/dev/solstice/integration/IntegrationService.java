package dev.solstice.integration;

import dev.solstice.integration.amqp.JobPublisher;
import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.checks.JobResultVerticle;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.execution.PlanExecutor;
import dev.solstice.integration.execution.RunCoordinator;
import dev.solstice.integration.execution.RunStore;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.http.HttpVerticle;
import dev.solstice.integration.http.SourceRateLimiter;
import dev.solstice.integration.intake.DeliveryLedger;
import dev.solstice.integration.intake.DeliveryProcessor;
import dev.solstice.integration.intake.FailureVerdicts;
import dev.solstice.integration.intake.InMemoryDeliveryLedger;
import dev.solstice.integration.intake.IntakeMeters;
import dev.solstice.integration.intake.IntakeQueue;
import dev.solstice.integration.intake.IntakeVerticle;
import dev.solstice.integration.intake.RedisDeliveryLedger;
import dev.solstice.integration.ops.Metrics;
import dev.solstice.integration.ops.QueueDepthGauge;
import dev.solstice.integration.ops.Readiness;
import dev.solstice.integration.planning.Planner;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.integration.webhook.WebhookHandler;
import dev.solstice.integration.webhook.WebhookMetrics;
import dev.solstice.integration.webhook.WebhookParser;
import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.RetrySchedule;
import dev.solstice.platform.amqp.SettlingConsumer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled service: one AMQP connection, the webhook endpoint, the intake consumer, health and
 * metrics. {@code Main} starts one from the environment; tests start one from a config.
 */
public final class IntegrationService {

  private static final Logger LOG = LoggerFactory.getLogger(IntegrationService.class);

  private final Vertx vertx;
  private final AmqpConnector connector;
  private final ConfirmingPublisher publisher;
  private final Redis redis;
  private final GitHubClient github;
  private final List<String> deployments;
  private final HttpVerticle http;
  private final IntakeVerticle intakeVerticle;
  private final JobResultVerticle results;
  private final Readiness readiness;
  private final QueueDepthGauge depths;
  private volatile dev.solstice.integration.recovery.MissedDeliveryJob missedDeliveries;

  private IntegrationService(
      Vertx vertx,
      AmqpConnector connector,
      ConfirmingPublisher publisher,
      Redis redis,
      GitHubClient github,
      List<String> deployments,
      HttpVerticle http,
      IntakeVerticle intakeVerticle,
      JobResultVerticle results,
      Readiness readiness,
      QueueDepthGauge depths) {
    this.depths = depths;
    this.vertx = vertx;
    this.connector = connector;
    this.publisher = publisher;
    this.redis = redis;
    this.github = github;
    this.deployments = deployments;
    this.http = http;
    this.intakeVerticle = intakeVerticle;
    this.results = results;
    this.readiness = readiness;
  }

  public static Future<IntegrationService> start(
      Vertx vertx, AppConfig config, MeterRegistry registry, Clock clock) {
    config.warnings().forEach(w -> LOG.warn(w));
    Metrics metrics = new Metrics(registry);
    // Unique per process, so an operator (or a test) can tell replicas apart in rabbitmqctl
    // list_connections.
    AmqpConnector connector =
        new AmqpConnector(
            config.amqpUri(),
            "solstice-github-integration-"
                + java.util.UUID.randomUUID().toString().substring(0, 8));
    Metrics.bindJvm(registry);
    ConfirmingPublisher publisher =
        new ConfirmingPublisher(
            vertx,
            connector,
            config.confirmTimeout(),
            config.github() == null
                ? List.of(config.intake(), config.jobs())
                : List.of(
                    config.intake(),
                    config.jobs(),
                    config.results(),
                    dev.solstice.jobrequest.amqp.QueueTopology.cancelsOf(config.jobs())),
            "main",
            registry);
    QueueDepthGauge depths =
        new QueueDepthGauge(
            connector,
            registry,
            List.of(
                config.intake().queue(),
                config.jobs().queue(),
                config.results().queue(),
                config.intake().deadLetterQueue(),
                config.jobs().deadLetterQueue(),
                config.results().deadLetterQueue()));
    IntakeQueue intake =
        new IntakeQueue(
            publisher,
            config.intake(),
            new RetrySchedule(config.retryDelays(), config.maxAttempts()));

    Redis redis =
        config.redisUrl() == null
            ? null
            : Redis.createClient(
                vertx,
                new RedisOptions().setConnectionString(config.redisUrl()).setMaxPoolWaiting(1024));
    RedisAPI redisApi = redis == null ? null : RedisAPI.api(redis);
    DeliveryLedger ledger =
        redisApi == null
            ? new InMemoryDeliveryLedger(config.deliveryDedupTtl(), 1_000_000, clock)
            : new RedisDeliveryLedger(
                redisApi, config.redisKeys().deliveries(), config.deliveryDedupTtl());

    WebClientGitHubClient appClient =
        config.github() == null
            ? null
            : WebClientGitHubClient.create(vertx, config.github(), registry);
    GitHubClient github = appClient;
    // Issue 13: job tokens and the gateway (off without GATEWAY_ADDR).
    GatewayWiring gateway = GatewayWiring.create(config, redisApi, appClient, registry, clock);
    JobPublisher jobPublisher = new JobPublisher(publisher, config.jobs());
    java.util.function.IntConsumer published =
        n -> metrics.registry().counter("solstice_jobrequests_published").increment(n);
    Planner planner;
    PlanExecutor executor;
    JobResultVerticle results = null;
    if (github == null) {
      planner = Planner.withoutGitHub(config::runsOnFor, clock);
      executor = new PlanExecutor(null, jobPublisher::publishAll, published);
    } else {
      CheckRunMap runs =
          redisApi == null
              ? CheckRunMap.inMemory()
              : CheckRunMap.redis(
                  redisApi, config.redisKeys().checkRuns(), config.redisKeys().checkRunTtl());
      CheckRunReporter reporter =
          new CheckRunReporter(
              github,
              runs,
              config.checkName(),
              config.logsBaseUrl(),
              config.github().appId(),
              clock);
      // Issue 9: needs gating and superseded runs (state shared through Redis when configured).
      RunStore runStore =
          redisApi == null
              ? RunStore.inMemory(clock)
              : RunStore.redis(redisApi, config.redisKeys().runs(), config.redisKeys().runTtl());
      RunCoordinator coordinator =
          new RunCoordinator(
              runStore,
              reporter,
              job ->
                  gateway
                      .attach(job)
                      .compose(jobPublisher::publish)
                      .onSuccess(v -> published.accept(1)),
              cancel ->
                  jobPublisher.publishCancel(
                      dev.solstice.jobrequest.amqp.QueueTopology.cancelsOf(config.jobs()), cancel),
              clock);
      planner =
          Planner.withGitHub(
              config.github().appId(), reporter.names(), config.policy(), config::runsOnFor, clock);
      executor =
          new PlanExecutor(
              new PlanExecutor.GitHubSide(github, reporter, coordinator),
              jobPublisher::publishAll,
              published,
              gateway.credentials);
      results =
          new JobResultVerticle(
              new SettlingConsumer.Settings(
                  connector,
                  publisher,
                  config.results(),
                  new RetrySchedule(config.resultsRetryDelays(), config.resultsMaxAttempts()),
                  config.resultsPrefetch(),
                  FailureVerdicts.SERVICE),
              reporter,
              metrics,
              result -> coordinator.onResult(result).compose(v -> gateway.finished(result)));
    }
    DeliveryProcessor processor =
        new DeliveryProcessor(new WebhookParser(), planner, executor, ledger);
    IntakeVerticle intakeVerticle =
        new IntakeVerticle(
            new SettlingConsumer.Settings(
                connector,
                publisher,
                intake.topology(),
                intake.retries(),
                config.intakePrefetch(),
                FailureVerdicts.SERVICE),
            processor,
            IntakeMeters.of(metrics));

    Readiness readiness =
        new Readiness(vertx)
            .check("amqp-connection", connector::isOpen)
            .check("amqp-publisher", publisher::isReady)
            .check("intake-consumer", intakeVerticle::isConsuming);
    if (results != null) {
      readiness.check("results-consumer", results::isConsuming);
    }
    if (redis != null) {
      readiness.check("redis", ledger::isHealthy);
    }

    WebhookHandler webhook =
        new WebhookHandler(
            new SignatureVerifier(config.webhookSecrets()),
            config.allowUnsignedWebhooks(),
            new WebhookParser(),
            intake::enqueue,
            clock,
            WebhookMetrics.of(metrics));
    // Issue 19: bodies streamed, verified while they arrive and held within a shared budget.
    dev.solstice.integration.http.HttpRefusals refusals =
        new dev.solstice.integration.http.HttpRefusals(registry, metrics::signatureFailure);
    dev.solstice.integration.http.StreamingBodyHandler body =
        new dev.solstice.integration.http.StreamingBodyHandler(
            config.maxBodyBytes(),
            new dev.solstice.integration.http.BodyBudget(
                config.httpLimits().maxBufferedBodyBytes()),
            config.allowUnsignedWebhooks()
                ? null
                : new dev.solstice.integration.http.StreamingSignatureVerifier(
                    config.webhookSecrets()),
            refusals);
    HttpVerticle http =
        new HttpVerticle(
            config.httpHost(),
            config.httpPort(),
            config.webhookPath(),
            body,
            config.httpLimits(),
            refusals,
            webhook,
            new SourceRateLimiter(config.rateLimitPerMinute()),
            readiness.liveness(),
            readiness.readiness(),
            registry instanceof PrometheusMeterRegistry prom
                ? PrometheusScrapingHandler.create(prom)
                : null);

    dev.solstice.integration.recovery.MissedDeliveryJob missed =
        config.missedDeliveries().enabled() && github != null
            ? new dev.solstice.integration.recovery.MissedDeliveryJob(
                vertx,
                github,
                ledger,
                redisApi == null
                    ? dev.solstice.integration.recovery.CheckpointStore.inMemory()
                    : dev.solstice.integration.recovery.CheckpointStore.redis(
                        redisApi, config.redisKeys().missedDeliveries()),
                config.missedDeliveries(),
                clock,
                registry)
            : null;
    connector.start();
    JobResultVerticle resultsVerticle = results;
    var gatewayDeployment = new java.util.concurrent.atomic.AtomicReference<String>();
    Future<String> resultsDeployed =
        (gateway.verticle == null
                ? Future.<String>succeededFuture(null)
                : vertx.deployVerticle(gateway.verticle).onSuccess(gatewayDeployment::set))
            .compose(
                gatewayId ->
                    resultsVerticle == null
                        ? Future.succeededFuture(null)
                        : vertx.deployVerticle(resultsVerticle));
    return resultsDeployed
        .compose(
            resultsId ->
                vertx
                    .deployVerticle(intakeVerticle)
                    .compose(
                        intakeId ->
                            vertx
                                .deployVerticle(http)
                                .map(
                                    httpId ->
                                        resultsId == null
                                            ? List.of(httpId, intakeId)
                                            : List.of(httpId, intakeId, resultsId))))
        .map(
            ids ->
                new IntegrationService(
                    vertx,
                    connector,
                    publisher,
                    redis,
                    github,
                    ids,
                    http,
                    intakeVerticle,
                    resultsVerticle,
                    readiness,
                    depths))
        .onSuccess(service -> service.startMissedDeliveries(missed))
        .onSuccess(
            service -> {
              service.gateway = gateway.verticle;
              service.gatewayDeployment = gatewayDeployment.get();
            });
  }

  private volatile dev.solstice.integration.gateway.GatewayVerticle gateway;
  private volatile String gatewayDeployment;

  /** The gateway's bound port (issue 13); empty when GATEWAY_ADDR is unset. */
  public java.util.OptionalInt gatewayPort() {
    return gateway == null
        ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(gateway.actualPort());
  }

  private void startMissedDeliveries(dev.solstice.integration.recovery.MissedDeliveryJob job) {
    if (job != null) {
      missedDeliveries = job;
      job.start();
    }
  }

  /** The missed-delivery job, when MISSED_DELIVERIES is on. */
  public java.util.Optional<dev.solstice.integration.recovery.MissedDeliveryJob>
      missedDeliveries() {
    return java.util.Optional.ofNullable(missedDeliveries);
  }

  public int httpPort() {
    return http.actualPort();
  }

  public boolean isReady() {
    return connector.isOpen()
        && publisher.isReady()
        && intakeVerticle.isConsuming()
        && (results == null || results.isConsuming());
  }

  public Readiness readiness() {
    return readiness;
  }

  /**
   * The AMQP connection's client-provided name, as {@code rabbitmqctl list_connections} shows it.
   */
  public String connectionName() {
    return connector.name();
  }

  /**
   * Graceful stop: stop accepting webhooks, stop consuming, let in-flight confirms and acks finish
   * (bounded), then close the connection. Unacked deliveries go back to the queue.
   */
  public Future<Void> stop() {
    if (missedDeliveries != null) {
      missedDeliveries.stop();
    }
    Future<Void> undeployed =
        gatewayDeployment == null ? Future.succeededFuture() : vertx.undeploy(gatewayDeployment);
    for (String id : deployments) {
      undeployed = undeployed.compose(v -> vertx.undeploy(id));
    }
    return undeployed
        .compose(v -> drain(System.currentTimeMillis() + 10_000))
        .eventually(
            () -> {
              publisher.close();
              depths.close();
              connector.close();
              if (github != null) {
                github.close();
              }
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
