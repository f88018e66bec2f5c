package dev.solstice.sandbox;

import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.platform.amqp.Telemetry;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code scripts/run-local.sh}: the product in a local sandbox. Prints a signed curl of a real push
 * webhook, then every check run as the simulated GitHub sees it change.
 */
public final class SandboxMain {

  private static final Logger LOG = LoggerFactory.getLogger("sandbox");

  private SandboxMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("HTTP_ADDR", "127.0.0.1:8082");
    env.putIfAbsent(
        "GITHUB_WEBHOOK_SECRET",
        "sandbox-" + HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(8)));
    env.putIfAbsent("RUNS_ON_DEFAULT", "linux-x64");
    // Simulated jobs take a few seconds and print a line now and then, so a job page's live log
    // has something to show (issue 16).
    env.putIfAbsent("STUB_DEFAULT_DURATION_MS", "6000");
    env.putIfAbsent("STUB_DEFAULT_LOG_LINES", "10");
    // Issue 16: the job pages behind GitHub login on the simulator (SandboxLogin); the demo
    // repository is public, so its pages also open without login.
    Path dir = Path.of(env.getOrDefault("SANDBOX_DIR", ".sandbox"));

    // Traces (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set): one SDK per component, as the two
    // processes of a deployment would have, so each span names its service.
    OpenTelemetry serviceTraces = Telemetry.fromEnv(env, "github-integration");
    OpenTelemetry stubTraces = Telemetry.fromEnv(env, "orchestrator-stub");
    Vertx vertx = Vertx.vertx();
    SandboxStack stack =
        SandboxStack.start(
            vertx, env, dir, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), serviceTraces);
    stack.startOrchestrator(stubTraces);

    byte[] push = RecordedWebhooks.payload("push.json");
    Path pushFile = dir.resolve("push.json");
    Files.write(pushFile, push);
    String secret = env.get("GITHUB_WEBHOOK_SECRET");
    // The port the service bound, not the one asked for: HTTP_ADDR may say port 0 (RunLocalIT
    // does).
    String configured = env.get("HTTP_ADDR");
    String addr =
        configured.substring(0, configured.lastIndexOf(':') + 1) + stack.service().httpPort();
    String url = "http://" + addr + stack.config().webhookPath();
    System.out.printf(
        """

        Solstice sandbox is up.
          webhook endpoint   %s   (secret: %s)
          GitHub simulator   %s   (App %d, installation %d, repository %s)
          S3 logs            %s/%s
          job pages          http://%s/jobs/<request_id>   (a check run's external_id)
          sign in            %s   (the simulated GitHub asks: octocat, admin; visitor, no access)
          operator console   %s
          health / metrics   http://%s/health/ready   http://%s:%d/metrics

        Deliver a real push webhook (its commit has a 3-job .solstice/workflow.kdl):

          curl -i -X POST %s \\
            -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \\
            -H "X-GitHub-Delivery: $(cat /proc/sys/kernel/random/uuid)" \\
            -H 'X-Hub-Signature-256: %s' \\
            --data-binary @%s

        Check runs appear below as the simulated GitHub records them. Ctrl-C stops everything.

        """,
        url,
        secret,
        stack.github().baseUrl(),
        stack.github().app().id(),
        SandboxStack.INSTALLATION,
        SandboxStack.REPO,
        stack.s3().endpoint(),
        SandboxStack.LOG_BUCKET,
        addr,
        stack.config().auth().loginEnabled()
            ? stack.config().auth().publicUrl() + "/login"
            : "off (set PUBLIC_URL, or HTTP_ADDR with a port)",
        stack.config().auth().loginEnabled()
            ? "http://" + addr + "/console   (deliveries, parked messages, queues; admins only)"
            : "off (it needs the sign-in)",
        addr,
        stack.config().managementHost(),
        stack.service().managementPort(),
        url,
        SignatureVerifier.sign(secret, push),
        pushFile);

    Map<Long, String> seen = new ConcurrentHashMap<>();
    vertx.setPeriodic(
        500,
        id -> {
          for (JsonObject run : stack.github().checkRuns(SandboxStack.REPO)) {
            String state =
                run.getString("status")
                    + (run.getString("conclusion") == null
                        ? ""
                        : " (" + run.getString("conclusion") + ")");
            if (!state.equals(seen.put(run.getLong("id"), state))) {
              LOG.info(
                  "check run #{} '{}' on {}: {}  {}  job page http://{}/jobs/{}",
                  run.getLong("id"),
                  run.getString("name"),
                  run.getString("head_sha").substring(0, 7),
                  state,
                  run.getString("details_url") == null ? "" : run.getString("details_url"),
                  addr,
                  run.getString("external_id"));
            }
          }
        });

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stack.close();
                    vertx.close().toCompletionStage().toCompletableFuture().get();
                  } catch (Exception e) {
                    LOG.warn("stopping: {}", e.toString());
                  }
                  stopped.countDown();
                }));
    stopped.await();
  }
}
