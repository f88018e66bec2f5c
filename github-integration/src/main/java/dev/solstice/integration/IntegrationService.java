package dev.solstice.integration;

import dev.solstice.integration.amqp.JobPublisher;
import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.checks.JobResultVerticle;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.execution.PlanExecutor;
import dev.solstice.integration.execution.RunCoordinator;
import dev.solstice.integration.execution.RunStore;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.http.HttpVerticle;
import dev.solstice.integration.http.SourceRateLimiter;
import dev.solstice.integration.intake.DeliveryLease;
import dev.solstice.integration.intake.DeliveryLedger;
import dev.solstice.integration.intake.DeliveryProcessor;
import dev.solstice.integration.intake.FailureVerdicts;
import dev.solstice.integration.intake.InMemoryDeliveryLedger;
import dev.solstice.integration.intake.IntakeMeters;
import dev.solstice.integration.intake.IntakeQueue;
import dev.solstice.integration.intake.IntakeVerticle;
import dev.solstice.integration.intake.RedisDeliveryLease;
import dev.solstice.integration.intake.RedisDeliveryLedger;
import dev.solstice.integration.ops.Metrics;
import dev.solstice.integration.ops.QueueDepthGauge;
import dev.solstice.integration.ops.Readiness;
import dev.solstice.integration.ops.WebhookSpans;
import dev.solstice.integration.planning.Planner;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.integration.webhook.WebhookHandler;
import dev.solstice.integration.webhook.WebhookMetrics;
import dev.solstice.integration.webhook.WebhookParser;
import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.MessageTracing;
import dev.solstice.platform.amqp.RetrySchedule;
import dev.solstice.platform.amqp.SettlingConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
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

  /** What a started service holds, to report its state and to stop it. */
  private record Parts(
      Vertx vertx,
      AmqpConnector connector,
      ConfirmingPublisher publisher,
      ConfirmingPublisher workPublisher,
      Redis redis,
      GitHubClient github,
      List<String> deployments,
      HttpVerticle http,
      dev.solstice.integration.http.ManagementVerticle management,
      IntakeVerticle intakeVerticle,
      JobResultVerticle results,
      Readiness readiness,
      QueueDepthGauge depths,
      RecordWiring records) {

    /** Closes what the service opened, the connection last but the clients'. */
    Future<Void> close() {
      publisher.close();
      workPublisher.close();
      depths.close();
      connector.close();
      if (github != null) {
        github.close();
      }
      if (redis != null) {
        redis.close();
      }
      return records.stop();
    }
  }

  private final Parts parts;
  private volatile dev.solstice.integration.recovery.MissedDeliveryJob missedDeliveries;
  private volatile dev.solstice.integration.github.AppCredentialsCheck credentials;
  private volatile dev.solstice.integration.setup.SetupRoutes setup;
  private volatile dev.solstice.integration.pages.JobPages jobPages;
  private volatile ConsoleWiring console;

  private IntegrationService(Parts parts) {
    this.parts = parts;
  }

  public static Future<IntegrationService> start(
      Vertx vertx, AppConfig config, MeterRegistry registry, Clock clock) {
    return start(vertx, config, registry, clock, OpenTelemetry.noop());
  }

  /**
   * As {@link #start(Vertx, AppConfig, MeterRegistry, Clock)}, with traces (issue 17) going to
   * {@code openTelemetry}: the no-op instance turns them off.
   */
  public static Future<IntegrationService> start(
      Vertx vertx,
      AppConfig config,
      MeterRegistry registry,
      Clock clock,
      OpenTelemetry openTelemetry) {
    MessageTracing tracing = MessageTracing.of(openTelemetry);
    config.warnings().forEach(w -> LOG.warn(w));
    Metrics metrics = new Metrics(registry);
    // Unique per process, so an operator (or a test) can tell replicas apart in rabbitmqctl
    // list_connections.
    AmqpConnector connector =
        new AmqpConnector(
            config.amqpUri(),
            "solstice-github-integration-" + java.util.UUID.randomUUID().toString().substring(0, 8),
            tracing);
    Metrics.bindJvm(registry);
    List<dev.solstice.jobrequest.amqp.QueueTopology> flows =
        config.github() == null
            ? List.of(config.intake(), config.jobs())
            : List.of(
                config.intake(),
                config.jobs(),
                config.results(),
                dev.solstice.jobrequest.amqp.QueueTopology.cancelsOf(config.jobs()));
    // Issue 18: two channels, each with its own publishing thread. Webhooks' intake publishes (the
    // 202 waits on them) never queue behind the consumers' JobRequests, retries and safety copies,
    // and the broker serves the two channels in parallel.
    ConfirmingPublisher publisher =
        new ConfirmingPublisher(
            vertx, connector, config.confirmTimeout(), flows, "webhooks", registry);
    ConfirmingPublisher workPublisher =
        new ConfirmingPublisher(vertx, connector, config.confirmTimeout(), flows, "work", registry);
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
    if (redis == null) {
      LOG.info(
          "REDIS_URL not set: this instance assumes it is the only replica (GitHub write budget,"
              + " delivery ledger and claims, token cache kept in this process)");
    }
    DeliveryLedger ledger =
        redisApi == null
            ? new InMemoryDeliveryLedger(config.deliveryDedupTtl(), 1_000_000, clock)
            : new RedisDeliveryLedger(
                redisApi, config.redisKeys().deliveries(), config.deliveryDedupTtl());

    WebClientGitHubClient appClient =
        config.github() == null
            ? null
            : WebClientGitHubClient.create(
                vertx, config.github(), registry, tracing.enabled() ? tracing.tracer() : null);
    GitHubClient github = appClient;
    // Issue 13: job tokens and the gateway (off without GATEWAY_ADDR).
    GatewayWiring gateway =
        GatewayWiring.create(vertx, config, redisApi, appClient, registry, clock);
    // Issue 15: GET /app at start and on a schedule; known-bad credentials hold the intake.
    dev.solstice.integration.github.AppCredentialsCheck credentials =
        github == null
            ? null
            : new dev.solstice.integration.github.AppCredentialsCheck(
                vertx,
                github,
                config.github().appId(),
                config.credentialsCheckInterval(),
                registry);
    // Issue 15: the PostgreSQL record (or none, without DATABASE_URL).
    RecordWiring records = new RecordWiring(vertx, config, github, registry, clock);
    JobPublisher jobPublisher = new JobPublisher(workPublisher, config.jobs());
    java.util.function.IntConsumer published =
        n -> metrics.registry().counter("solstice_jobrequests_published").increment(n);
    Planner planner;
    PlanExecutor executor;
    RunStore runStore = null;
    CheckRunMap checkRunMap = null; // issue 16: the job page's Re-run
    JobResultVerticle results = null;
    if (github == null) {
      planner = Planner.withoutGitHub(config::runsOnFor, clock);
      executor =
          new PlanExecutor(null, jobPublisher::publishAll, published, records.record(), null);
    } else {
      CheckRunMap runs =
          redisApi == null
              ? CheckRunMap.inMemory()
              : CheckRunMap.redis(
                  vertx,
                  redisApi,
                  config.redisKeys().checkRuns(),
                  config.redisKeys().checkRunTtl(),
                  // longer than one GitHub exchange: a live in_progress writer is answered by then
                  config.github().retryPolicy().requestTimeout().plusSeconds(5));
      checkRunMap = runs;
      CheckRunReporter reporter =
          new CheckRunReporter(
              github,
              runs,
              new CheckNames(config.checkName()),
              config.jobLinks(),
              config.github().appId(),
              clock);
      // Issue 9: needs gating and superseded runs (state shared through Redis when configured).
      runStore =
          redisApi == null
              ? RunStore.inMemory(clock, config.redisKeys().runTtl())
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
              records.record(),
              gateway.credentials);
      results =
          new JobResultVerticle(
              new SettlingConsumer.Settings(
                  connector,
                  workPublisher,
                  config.results(),
                  new RetrySchedule(config.resultsRetryDelays(), config.resultsMaxAttempts()),
                  config.resultsPrefetch(),
                  FailureVerdicts.SERVICE),
              reporter,
              metrics,
              result -> coordinator.onResult(result).compose(v -> gateway.finished(result)));
    }
    // Issue 14: deliveries waiting for their installation's write budget leave the intake slot.
    FairnessWiring fairness =
        FairnessWiring.create(
            vertx, config, redisApi, github, connector, workPublisher, intake, registry, clock);
    DeliveryProcessor processor =
        new DeliveryProcessor(
            planner,
            executor,
            ledger,
            redisApi == null
                ? DeliveryLease.IN_PROCESS
                : new RedisDeliveryLease(
                    vertx,
                    redisApi,
                    config.redisKeys().deliveryLeases(),
                    config.redisKeys().deliveryLeaseTtl()),
            records.record(),
            credentials == null ? Future::succeededFuture : credentials::whenUsable,
            fairness.share);
    IntakeVerticle intakeVerticle =
        new IntakeVerticle(
            new SettlingConsumer.Settings(
                connector,
                workPublisher,
                intake.topology(),
                intake.retries(),
                config.intakePrefetch(),
                FailureVerdicts.SERVICE),
            processor,
            IntakeMeters.of(metrics),
            fairness.workers(processor, IntakeMeters.of(metrics)));

    Readiness readiness =
        new Readiness(vertx)
            .check("amqp-connection", connector::isOpen)
            .check("amqp-publisher", () -> publisher.isReady() && workPublisher.isReady())
            .check("intake-consumer", intakeVerticle::isConsuming);
    if (results != null) {
      readiness.check("results-consumer", results::isConsuming);
    }
    if (redis != null) {
      readiness.check("redis", ledger::isHealthy);
    }
    if (credentials != null) {
      readiness.checkWithReason("github-app-credentials", credentials::problem);
    }

    WebhookHandler webhook =
        new WebhookHandler(
            new SignatureVerifier(config.webhookSecrets()),
            config.allowUnsignedWebhooks(),
            new WebhookParser(),
            records.noting(intake::enqueue),
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
            new HttpVerticle.Settings(
                config.httpHost(),
                config.httpPort(),
                config.webhookPath(),
                body,
                config.httpLimits(),
                refusals,
                WebhookSpans.around(tracing, config.webhookPath(), webhook),
                new SourceRateLimiter(
                    config.rateLimitPerMinute(), config.webhookSources().clientAddress()),
                sourceAllowlist(vertx, config.webhookSources(), refusals),
                readiness.liveness(),
                readiness.readiness()));
    dev.solstice.integration.http.ManagementVerticle management =
        new dev.solstice.integration.http.ManagementVerticle(
            config.managementHost(),
            config.managementPort(),
            readiness,
            registry instanceof PrometheusMeterRegistry prom
                ? PrometheusScrapingHandler.create(prom)
                : null);
    dev.solstice.integration.setup.SetupRoutes setupRoutes =
        new dev.solstice.integration.setup.SetupRoutes(
            vertx, config.setup(), config.webhookPath(), github, clock);
    http.withRoutes(setupRoutes::mount);
    // Issue 16: GitHub login, sessions and CSRF of the browser pages, mounted before their routes.
    dev.solstice.integration.web.WebAuth webAuth =
        dev.solstice.integration.web.WebAuth.create(vertx, config.auth(), clock);
    http.withRoutes(webAuth::mount);
    // Issue 16: the job pages check runs link to.
    dev.solstice.integration.pages.JobPages jobPages =
        new dev.solstice.integration.pages.JobPages(
            vertx,
            config.jobPages(),
            runStore,
            webAuth.access(),
            checkRunMap == null ? null : checkRunMap::get);
    http.withRoutes(jobPages::mount);

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
    // Issue 16: the operator console, behind the login's admin check (CONSOLE_ADMINS).
    ConsoleWiring console =
        new ConsoleWiring(
            new ConsoleWiring.Parts(
                vertx,
                config,
                registry,
                depths,
                () -> java.util.Optional.ofNullable(missed),
                github,
                redisApi,
                runStore,
                checkRunMap),
            ConsoleWiring.guard(webAuth));
    http.withRoutes(console::mount);
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
                                .deployVerticle(management)
                                .compose(
                                    managementId ->
                                        vertx
                                            .deployVerticle(http)
                                            .map(
                                                httpId ->
                                                    resultsId == null
                                                        ? List.of(httpId, managementId, intakeId)
                                                        : List.of(
                                                            httpId,
                                                            managementId,
                                                            intakeId,
                                                            resultsId)))))
        .map(
            ids ->
                new IntegrationService(
                    new Parts(
                        vertx,
                        connector,
                        publisher,
                        workPublisher,
                        redis,
                        github,
                        ids,
                        http,
                        management,
                        intakeVerticle,
                        resultsVerticle,
                        readiness,
                        depths,
                        records)))
        .onSuccess(service -> service.startMissedDeliveries(missed))
        .onSuccess(service -> service.startSetup(credentials, setupRoutes))
        .onSuccess(service -> service.jobPages = jobPages)
        .onSuccess(service -> service.console = console)
        .onSuccess(service -> service.parts.records().start())
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

  /** WEBHOOK_SOURCE_ALLOWLIST's check (issue 17); null when every source is accepted. */
  private static dev.solstice.integration.http.SourceAllowlist sourceAllowlist(
      Vertx vertx,
      dev.solstice.integration.http.WebhookSources sources,
      dev.solstice.integration.http.HttpRefusals refusals) {
    if (!sources.restricted()) {
      return null;
    }
    dev.solstice.integration.github.GitHubMeta meta =
        new dev.solstice.integration.github.GitHubMeta(vertx, sources.metaBase());
    return new dev.solstice.integration.http.SourceAllowlist(
        sources.allowlist(),
        sources.github() ? meta::hookRanges : null,
        sources.clientAddress(),
        refusals);
  }

  private void startSetup(
      dev.solstice.integration.github.AppCredentialsCheck check,
      dev.solstice.integration.setup.SetupRoutes routes) {
    setup = routes;
    if (routes.servesNewApp()) {
      LOG.info(
          "first-run setup: open {}{} to create the GitHub App from its manifest",
          routes.publicUrlOr("http://<this host>:" + parts.http().actualPort()),
          dev.solstice.integration.setup.ManifestForm.NEW_APP_PATH);
    }
    if (check != null) {
      credentials = check;
      check.start();
    }
  }

  /** The App credentials check; empty while no App is configured. */
  public java.util.Optional<dev.solstice.integration.github.AppCredentialsCheck> credentials() {
    return java.util.Optional.ofNullable(credentials);
  }

  private void startMissedDeliveries(dev.solstice.integration.recovery.MissedDeliveryJob job) {
    if (job != null) {
      missedDeliveries = job;
      job.start();
    }
  }

  /** The record of installations and deliveries (issue 15). */
  public dev.solstice.integration.record.RecordStore record() {
    return parts.records().record();
  }

  /** The reconciliation with GitHub's installations, when there is a record and an App. */
  public java.util.Optional<dev.solstice.integration.recovery.InstallationSync> installationSync() {
    return java.util.Optional.ofNullable(parts.records().sync());
  }

  /** The missed-delivery job, when MISSED_DELIVERIES is on. */
  public java.util.Optional<dev.solstice.integration.recovery.MissedDeliveryJob>
      missedDeliveries() {
    return java.util.Optional.ofNullable(missedDeliveries);
  }

  public int httpPort() {
    return parts.http().actualPort();
  }

  /** The management listener's port ({@code /metrics}, health; issue 17). */
  public int managementPort() {
    return parts.management().actualPort();
  }

  public boolean isReady() {
    return parts.connector().isOpen()
        && parts.publisher().isReady()
        && parts.workPublisher().isReady()
        && parts.intakeVerticle().isConsuming()
        && (parts.results() == null || parts.results().isConsuming());
  }

  public Readiness readiness() {
    return parts.readiness();
  }

  /**
   * The AMQP connection's client-provided name, as {@code rabbitmqctl list_connections} shows it.
   */
  public String connectionName() {
    return parts.connector().name();
  }

  /**
   * Graceful stop: stop accepting webhooks, stop consuming, let in-flight confirms and acks finish
   * (bounded), then close the connection. Unacked deliveries go back to the queue.
   */
  public Future<Void> stop() {
    if (missedDeliveries != null) {
      missedDeliveries.stop();
    }
    if (credentials != null) {
      credentials.stop();
    }
    if (setup != null) {
      setup.close();
    }
    if (jobPages != null) {
      jobPages.close();
    }
    if (console != null) {
      console.close();
    }
    Future<Void> undeployed =
        gatewayDeployment == null
            ? Future.succeededFuture()
            : parts.vertx().undeploy(gatewayDeployment);
    for (String id : parts.deployments()) {
      undeployed = undeployed.compose(v -> parts.vertx().undeploy(id));
    }
    return undeployed
        .compose(v -> drain(System.currentTimeMillis() + 10_000))
        .eventually(parts::close);
  }

  private Future<Void> drain(long deadline) {
    if (parts.publisher().inFlight() + parts.workPublisher().inFlight() == 0
        || System.currentTimeMillis() > deadline) {
      return Future.succeededFuture();
    }
    return parts.vertx().timer(50).compose(v -> drain(deadline));
  }
}
