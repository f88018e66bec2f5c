package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.jobtoken.JobTokens;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import dev.solstice.simulator.github.SimulatorLauncher;
import dev.solstice.simulator.github.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: registry clients held to their repositories and routes, and the credential pool (the
 * App, an extra App, a PAT, each with its own rate limit at the simulator) shared by two gateway
 * replicas through real Redis.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayPoolIT {

  private static final String REPO = "Codertocat/Hello-World";
  private static final String OTHER = "Codertocat/Other";
  private static final String CONTENTS = "/repos/" + REPO + "/contents/README.md";
  private static final long SPARE_INSTALLATION = 77;
  private static final String WORKER = "src_worker_" + UUID.randomUUID();
  private static final String WRITER = "src_writer_" + UUID.randomUUID();

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private static Vertx vertx;
  private static GitHubSimulator sim;
  private static ServiceHarness first;
  private static ServiceHarness second;
  private static WebClient client;
  private static String pat;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    sim =
        SimulatorLauncher.on(vertx)
            .file(REPO, "main", "README.md", "hello")
            .file(OTHER, "main", "README.md", "other")
            .start();
    Map<String, String> perms = Map.of("contents", "read", "metadata", "read");
    sim.installation(1, perms, REPO, OTHER);
    GitHubSimulator.App spare = new GitHubSimulator.App(5151, "spare", TestKeys.generate());
    sim.credentials().app(spare, SPARE_INSTALLATION, 1000, perms, REPO);
    pat = sim.credentials().pat("ops", 1000, REPO);
    LOGS.pem(sim.app().pkcs1Pem());
    LOGS.pem(spare.pkcs1Pem());
    LOGS.secret(pat);
    LOGS.secret(WORKER);
    LOGS.secret(WRITER);
    Path key = spare.writePkcs1Pem(Files.createTempFile("spare-app", ".pem"));
    Path clients = Files.createTempFile("gateway-clients", ".yaml");
    Files.writeString(
        clients,
        "version: 1\nclients:\n"
            + "  - name: worker\n"
            + "    token_sha256: "
            + JobTokens.hash(WORKER)
            + "\n    scopes:\n"
            + "      - {method: GET, path: \"/repos/[^/]+/[^/]+/contents/.*\"}\n"
            + "      - {method: GET, path: \"/.*\"}\n"
            + "      - {method: POST, path: /graphql}\n"
            + "    repositories: ["
            + REPO
            + "]\n"
            + "  - name: writer\n"
            + "    token_sha256: "
            + JobTokens.hash(WRITER)
            + "\n    scopes:\n"
            + "      - {method: POST, path: /graphql, graphql_mutations: true}\n");
    String prefix = "test:" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_API_BASE", sim.baseUrl());
    env.put("GITHUB_APP_ID", Long.toString(sim.app().id()));
    env.put("GITHUB_APP_KEY", sim.app().pkcs1Pem());
    env.put("GITHUB_APP_SPARE_ID", Long.toString(spare.id()));
    env.put("GITHUB_APP_SPARE_KEY_PATH", key.toString());
    env.put("GITHUB_APP_SPARE_INSTALLATION_ID", Long.toString(SPARE_INSTALLATION));
    env.put("GITHUB_PAT_OPS", pat);
    env.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("REDIS_KEY_PREFIX", prefix);
    env.put(
        "TOKEN_CACHE_KEY",
        java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q'));
    env.put("GITHUB_TOKEN_CACHE_PREFIX", prefix + "github:token:");
    env.put("GATEWAY_ADDR", "127.0.0.1:0");
    env.put("GATEWAY_CLIENTS_FILE", clients.toString());
    first = ServiceHarness.start(vertx, ServiceHarness.isolatedEnv(env));
    second = ServiceHarness.start(vertx, ServiceHarness.isolatedEnv(env));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sim != null) {
      sim.secretsSeen().forEach(LOGS::secret);
    }
    for (ServiceHarness h : new ServiceHarness[] {first, second}) {
      if (h != null) {
        h.close();
      }
    }
    SimulatorLauncher.stop(sim);
    vertx.close().await();
  }

  @Test
  @Order(1)
  void aClientOutsideItsScopesOrRepositoriesIsRefusedInGitHubsShapeWithoutReachingGitHub() {
    int before = sim.calls().size();
    assertGitHubError(
        request(first, HttpMethod.DELETE, CONTENTS, WORKER, null),
        403,
        "Client worker has no scope for DELETE " + CONTENTS);
    assertGitHubError(
        request(first, HttpMethod.GET, "/repos/" + OTHER + "/contents/README.md", WORKER, null),
        404,
        "Not Found");
    // A scope as wide as GET /.* still reaches only repositories, /rate_limit, /meta, /graphql.
    assertGitHubError(
        request(first, HttpMethod.GET, "/user", WORKER, null), 403, "Registry clients reach");
    assertGitHubError(
        request(first, HttpMethod.GET, "/repos/" + REPO + "/../x", WORKER, null), 404, "Not Found");
    assertGitHubError(
        request(
            first,
            HttpMethod.POST,
            "/graphql",
            WORKER,
            new JsonObject().put("query", "mutation { addStar(input: {}) { clientMutationId } }")),
        403,
        "graphql_mutations");
    assertGitHubError(
        request(
            first,
            HttpMethod.POST,
            "/graphql",
            WORKER,
            new JsonObject()
                .put("query", "{ repository(owner: \"Codertocat\", name: \"Other\") { id } }")),
        403,
        "is not one of client worker's repositories");
    assertGitHubError(
        request(first, HttpMethod.GET, CONTENTS, WRITER, null),
        403,
        "Client writer has no scope for GET");
    assertThat(sim.calls().size()).as("refusals never reach GitHub").isEqualTo(before);
  }

  @Test
  @Order(2)
  void aClientInItsScopesGoesWithTheAppAndReachesMetaAndGraphQl() {
    HttpResponse<Buffer> read = request(first, HttpMethod.GET, CONTENTS, WORKER, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(last("repos/get-content").installationId()).as(sim.calls().toString()).isEqualTo(1);
    // Not about one repository: the App cannot serve it, the extra App can.
    assertThat(request(first, HttpMethod.GET, "/meta", WORKER, null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> q =
        request(
            first,
            HttpMethod.POST,
            "/graphql",
            WRITER,
            new JsonObject().put("query", "mutation { addStar(input: {}) { clientMutationId } }"));
    assertThat(q.statusCode()).as(q.bodyAsString()).isNotIn(401, 403, 502);
  }

  @Test
  @Order(3)
  void aRateLimitedCredentialIsSetAsideForBothReplicasAndTheNextOneIsUsed() {
    sim.rateLimitRemaining(1, 0); // the App's installation: its primary limit is spent
    HttpResponse<Buffer> viaSpare = request(first, HttpMethod.GET, CONTENTS, WORKER, null);
    assertThat(viaSpare.statusCode()).as(viaSpare.bodyAsString()).isEqualTo(200);
    assertThat(last("repos/get-content").installationId()).isEqualTo(SPARE_INSTALLATION);

    // The other replica skips the App without asking GitHub: the set-aside is in Redis.
    long appCallsBefore = callsOf(1);
    HttpResponse<Buffer> onSecond = request(second, HttpMethod.GET, CONTENTS, WORKER, null);
    assertThat(onSecond.statusCode()).isEqualTo(200);
    assertThat(last("repos/get-content").installationId()).isEqualTo(SPARE_INSTALLATION);
    assertThat(callsOf(1)).isEqualTo(appCallsBefore);

    sim.rateLimitRemaining(SPARE_INSTALLATION, 0);
    HttpResponse<Buffer> viaPat = request(second, HttpMethod.GET, CONTENTS, WORKER, null);
    assertThat(viaPat.statusCode()).isEqualTo(200);
    assertThat(last("repos/get-content").credential()).isEqualTo("pat");

    // A secondary limit on the last one: GitHub's answer passes through, then the gateway
    // answers itself until the first credential is back, on either replica.
    sim.inject(Fault.secondaryRateLimit(Duration.ofSeconds(600)));
    HttpResponse<Buffer> limited = request(first, HttpMethod.GET, CONTENTS, WORKER, null);
    assertThat(limited.statusCode()).isEqualTo(403);
    assertThat(limited.getHeader("retry-after")).isEqualTo("600");
    int before = sim.calls().size();
    HttpResponse<Buffer> spent = request(second, HttpMethod.GET, CONTENTS, WORKER, null);
    assertGitHubError(spent, 429, "every credential of the gateway's pool is rate limited");
    assertThat(Long.parseLong(spent.getHeader("Retry-After"))).isBetween(1L, 3600L);
    assertThat(sim.calls().size()).as("nothing reaches GitHub").isEqualTo(before);
  }

  @Test
  @Order(4)
  void metricsCountRequestsByClientAndRouteAndShowEachCredentialsRemainingQuota() throws Exception {
    String worker = "client=\"worker\"";
    String route = "route=\"/repos/{owner}/{repo}/…\"";
    double before =
        Scrape.value(first, "solstice_gateway_requests_total", worker, "status=\"404\"", route);
    request(first, HttpMethod.GET, "/repos/" + OTHER + "/contents/README.md", WORKER, null);
    assertThat(
            Scrape.value(first, "solstice_gateway_requests_total", worker, "status=\"404\"", route))
        .isEqualTo(before + 1);
    // Never a token in a label: clients by name only.
    String text = first.getManagement("/metrics").bodyAsString();
    assertThat(text).doesNotContain(WORKER).doesNotContain(pat);
    assertThat(Scrape.value(first, "solstice_gateway_ratelimit_remaining", "credential=\"app@1\""))
        .isZero();
    assertThat(
            Scrape.has(
                second, "solstice_gateway_ratelimit_remaining", "credential=\"app_spare@77\""))
        .isTrue();
    assertThat(Scrape.has(first, "solstice_gateway_ratelimit_remaining", "credential=\"pat_ops\""))
        .isTrue();
  }

  private static long callsOf(long installationId) {
    return sim.calls().stream()
        .filter(c -> c.operation().equals("repos/get-content"))
        .filter(c -> c.installationId() == installationId)
        .count();
  }

  private static RecordedCall last(String operation) {
    List<RecordedCall> calls = sim.calls(c -> c.operation().equals(operation));
    return calls.get(calls.size() - 1);
  }

  private static void assertGitHubError(HttpResponse<Buffer> r, int status, String naming) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("message")).contains(naming);
    assertThat(body.getString("documentation_url")).startsWith("https://");
  }

  static HttpResponse<Buffer> request(
      ServiceHarness at, HttpMethod method, String path, String token, JsonObject body) {
    var req = client.request(method, at.service().gatewayPort().orElseThrow(), "127.0.0.1", path);
    req.putHeader("Authorization", "Bearer " + token);
    req.putHeader("Accept", "application/vnd.github+json");
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }
}
