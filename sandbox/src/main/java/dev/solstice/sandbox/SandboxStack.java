package dev.solstice.sandbox;

import dev.solstice.integration.IntegrationService;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.orchestrator.StubOrchestratorVerticle;
import dev.solstice.orchestrator.StubSettings;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SimulatorLauncher;
import dev.solstice.simulator.s3.S3TestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole product in one JVM beside a real RabbitMQ: the GitHub API simulator (with an App, an
 * installation and a demo repository holding a workflow), an S3-compatible store for logs, the
 * github-integration service and the orchestrator stub, all configured the way production is: by
 * environment variables.
 */
public final class SandboxStack implements AutoCloseable {

  public static final String REPO = "Codertocat/Hello-World";
  public static final long INSTALLATION = 1;

  /** {@code after} of the recorded push fixture. */
  public static final String PUSH_SHA = RecordedWebhooks.PUSH_SHA;

  /** Head SHA of the recorded pull_request fixtures. */
  public static final String PR_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

  public static final String LOG_BUCKET = "solstice-logs";

  /** Three jobs: one alone, one in a group, one in the group that needs another. */
  public static final String DEMO_WORKFLOW =
      """
      name "CI"

      job "lint" {
          runs_on "small"
          script "echo linting"
      }

      group "linux" {
          runs_on "linux-x64"
          env CI="true"

          job "build" {
              script "echo building" "echo built"
              timeout "10m"
          }

          job "test" {
              needs "build"
              env SOLSTICE_STUB_OUTCOME="failure"
              script "echo testing"
          }
      }
      """;

  private final Vertx vertx;
  private final GitHubSimulator github;
  private final S3TestServer s3;
  private final IntegrationService service;
  private final AppConfig config;
  private final Map<String, String> env;
  private final PrometheusMeterRegistry registry;
  private String stubDeployment;

  private SandboxStack(
      Vertx vertx,
      GitHubSimulator github,
      S3TestServer s3,
      IntegrationService service,
      AppConfig config,
      Map<String, String> env,
      PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.github = github;
    this.s3 = s3;
    this.service = service;
    this.config = config;
    this.env = env;
    this.registry = registry;
  }

  /**
   * Starts simulator, S3 and service; the orchestrator stub is started separately ({@link
   * #startOrchestrator()}) so a test can look at the queue before it runs.
   *
   * @param env the service's and the stub's environment (AMQP names, secret, HTTP_ADDR, ...)
   * @param workDir where the App's private key file is written
   */
  public static SandboxStack start(Vertx vertx, Map<String, String> env, Path workDir)
      throws Exception {
    return start(vertx, env, workDir, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * As {@link #start(Vertx, Map, Path)}, reporting to the given registry (the one Vert.x's own
   * metrics use).
   */
  public static SandboxStack start(
      Vertx vertx, Map<String, String> env, Path workDir, PrometheusMeterRegistry registry)
      throws Exception {
    return start(vertx, env, workDir, registry, OpenTelemetry.noop());
  }

  /** As {@link #start(Vertx, Map, Path, PrometheusMeterRegistry)}, the service tracing to it. */
  public static SandboxStack start(
      Vertx vertx,
      Map<String, String> env,
      Path workDir,
      PrometheusMeterRegistry registry,
      OpenTelemetry openTelemetry)
      throws Exception {
    GitHubSimulator github =
        SimulatorLauncher.on(vertx)
            .repository(INSTALLATION, REPO)
            .workflow(REPO, PUSH_SHA, DEMO_WORKFLOW)
            .workflow(REPO, PR_SHA, DEMO_WORKFLOW)
            .start();
    S3TestServer s3 = S3TestServer.start();
    try {
      Path key =
          github
              .app()
              .writePkcs1Pem(
                  workDir.resolve("github-app-" + ProcessHandle.current().pid() + ".pem"));
      Map<String, String> full = new HashMap<>(env);
      full.put("GITHUB_API_BASE", github.baseUrl());
      full.put("GITHUB_APP_ID", Long.toString(github.app().id()));
      full.put("GITHUB_APP_KEY_PATH", key.toString());
      if (full.containsKey("GATEWAY_ADDR")) {
        // The simulator serves GitHub's uploads host under its own /uploads.
        full.putIfAbsent("GITHUB_UPLOADS_BASE", github.uploadsUrl());
      }
      full.putAll(s3.env(LOG_BUCKET));
      SandboxLogin.configure(github, full);
      AppConfig config = AppConfig.fromEnv(full, List.of());
      IntegrationService service =
          await(
              IntegrationService.start(vertx, config, registry, Clock.systemUTC(), openTelemetry));
      SandboxLogin.reruns(github, config, service.httpPort());
      return new SandboxStack(vertx, github, s3, service, config, Map.copyOf(full), registry);
    } catch (Exception e) {
      s3.close();
      github.close();
      throw e;
    }
  }

  /** Starts the orchestrator stub on the same broker and names. */
  public void startOrchestrator() throws Exception {
    startOrchestrator(OpenTelemetry.noop());
  }

  /** As {@link #startOrchestrator()}, the stub tracing to {@code openTelemetry}. */
  public void startOrchestrator(OpenTelemetry openTelemetry) throws Exception {
    stubDeployment =
        await(
            vertx.deployVerticle(
                new StubOrchestratorVerticle(StubSettings.fromEnv(env), openTelemetry)));
  }

  public GitHubSimulator github() {
    return github;
  }

  public S3TestServer s3() {
    return s3;
  }

  public IntegrationService service() {
    return service;
  }

  public AppConfig config() {
    return config;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() throws Exception {
    if (stubDeployment != null) {
      await(vertx.undeploy(stubDeployment));
    }
    await(service.stop());
    s3.close();
    SimulatorLauncher.stop(github);
  }

  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}
