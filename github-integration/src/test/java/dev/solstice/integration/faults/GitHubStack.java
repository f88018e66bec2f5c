package dev.solstice.integration.faults;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The service in-process with a GitHub App on the simulator: one installation, one repository. */
final class GitHubStack implements AutoCloseable {

  static final String REPO = "Codertocat/Hello-World";
  static final long INSTALLATION = 1;
  static final String SHA = RecordedWebhooks.PUSH_SHA;
  static final String TWO_JOBS = SimulatorLauncher.TWO_JOBS;

  final GitHubSimulator sim;
  final ServiceHarness service;
  private final Map<String, String> env;
  private final List<ServiceHarness> replicas = new java.util.ArrayList<>();

  private GitHubStack(GitHubSimulator sim, ServiceHarness service, Map<String, String> env) {
    this.sim = sim;
    this.service = service;
    this.env = env;
  }

  /**
   * Another replica of the service: the same environment (broker queues, Redis, App), its own
   * listeners; closed with the stack.
   */
  ServiceHarness replica(Vertx vertx) throws Exception {
    ServiceHarness r = ServiceHarness.start(vertx, env);
    replicas.add(r);
    return r;
  }

  static GitHubStack start(Vertx vertx, Map<String, String> overrides, CapturedLogs logs)
      throws Exception {
    return start(vertx, sim -> overrides, logs);
  }

  /** As {@link #start(Vertx, Map, CapturedLogs)}, with overrides that need the simulator. */
  static GitHubStack start(
      Vertx vertx,
      java.util.function.Function<GitHubSimulator, Map<String, String>> overridesOf,
      CapturedLogs logs)
      throws Exception {
    GitHubSimulator sim =
        SimulatorLauncher.on(vertx)
            .repository(INSTALLATION, REPO)
            .workflow(REPO, SHA, TWO_JOBS)
            .start();
    logs.pem(sim.app().pkcs1Pem());
    logs.secret(ServiceHarness.SECRET);
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "GITHUB_API_BASE", sim.baseUrl(),
                "GITHUB_APP_ID", Long.toString(sim.app().id()),
                "GITHUB_APP_KEY", sim.app().pkcs1Pem(),
                "GITHUB_RETRY_BASE_DELAY", "20ms",
                "GITHUB_RETRY_MAX_DELAY", "200ms",
                "GITHUB_WRITES_PER_MINUTE", "100000",
                "GITHUB_WRITES_PER_HOUR", "100000",
                "WEBHOOK_RATE_LIMIT_PER_MINUTE", "0"));
    try {
      env.putAll(overridesOf.apply(sim));
      Map<String, String> isolated = ServiceHarness.isolatedEnv(env);
      ServiceHarness service = ServiceHarness.start(vertx, isolated);
      FaultSupport.track(service.broker(), service.config());
      return new GitHubStack(sim, service, isolated);
    } catch (Exception e) {
      sim.close();
      throw e;
    }
  }

  /** Check runs on the commit. */
  List<JsonObject> runs(String sha) {
    return sim.checkRuns(REPO).stream().filter(r -> sha.equals(r.getString("head_sha"))).toList();
  }

  /** A push fixture moved to another commit, on a branch of its own (no run supersedes another). */
  static byte[] pushAt(String sha) {
    return pushAt(sha, "refs/heads/fault-" + sha.substring(sha.length() - 12));
  }

  static byte[] pushAt(String sha, String ref) {
    JsonObject push =
        new JsonObject(io.vertx.core.buffer.Buffer.buffer(RecordedWebhooks.payload("push.json")));
    push.put("after", sha);
    push.put("ref", ref);
    return push.toBuffer().getBytes();
  }

  /**
   * Registers every token and JWT the simulator handed out or saw as secrets the logs must not
   * show.
   */
  void registerSecrets(CapturedLogs logs) {
    sim.secretsSeen().forEach(logs::secret);
  }

  @Override
  public void close() throws Exception {
    try {
      for (ServiceHarness r : replicas) {
        r.close();
      }
      service.close();
    } finally {
      SimulatorLauncher.stop(sim);
    }
  }

  static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
