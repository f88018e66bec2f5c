package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobSchemas;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 end to end: the service with its gateway on, real Redis and RabbitMQ, the simulator as
 * GitHub. A push publishes JobRequests that carry job tokens; a client reaches GitHub through the
 * gateway with them, within the job's repository and permissions only, until the job's final result
 * plus the grace.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

  private static final String REPO = "Codertocat/Hello-World";
  private static final String OTHER = "Codertocat/Other";
  private static final String SHA = RecordedWebhooks.PUSH_SHA;
  private static final String WORKFLOW =
      """
      job "release" {
          script "./release.sh"
          permissions {
              contents "write"
          }
      }
      job "lint" {
          script "make lint"
      }
      """;

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private static Vertx vertx;
  private static GitHubSimulator sim;
  private static ServiceHarness service;
  private static WebClient client;
  private static final Map<String, JobRequest> JOBS = new HashMap<>();
  private static final String READER = "src_reader_" + UUID.randomUUID();
  private static final String LATER = "src_later_" + UUID.randomUUID();
  private static java.nio.file.Path clientsFile;

  private static String clients(String... nameAndToken) {
    StringBuilder y = new StringBuilder("version: 1\nclients:\n");
    for (int i = 0; i < nameAndToken.length; i += 2) {
      y.append("  - name: ").append(nameAndToken[i]).append('\n');
      y.append("    token_sha256: ")
          .append(dev.solstice.integration.jobtoken.JobTokens.hash(nameAndToken[i + 1]))
          .append('\n');
      y.append("    scopes:\n      - method: GET\n");
      y.append("        path: \"/repos/[^/]+/[^/]+/contents/.*\"\n");
      y.append("    repositories: [").append(REPO).append("]\n");
      y.append("    budget_per_hour: 2\n");
    }
    return y.toString();
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    sim =
        SimulatorLauncher.on(vertx)
            .workflow(REPO, SHA, WORKFLOW)
            .file(REPO, "main", "README.md", "hello")
            .file(OTHER, "main", "README.md", "other")
            .start();
    sim.graphql().pullRequest(REPO, 1347, "Amazing new feature", "OPEN");
    // The App may write contents (a job's release needs it); each job gets only what it asks for.
    sim.installation(
        1,
        Map.of("checks", "write", "contents", "write", "metadata", "read", "issues", "write"),
        REPO,
        OTHER);
    LOGS.pem(sim.app().pkcs1Pem());
    LOGS.secret(ServiceHarness.SECRET);
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_API_BASE", sim.baseUrl());
    env.put("GITHUB_APP_ID", Long.toString(sim.app().id()));
    env.put("GITHUB_APP_KEY", sim.app().pkcs1Pem());
    env.put("GITHUB_WRITES_PER_MINUTE", "100000");
    env.put("GITHUB_WRITES_PER_HOUR", "100000");
    env.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put(
        "TOKEN_CACHE_KEY",
        java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q'));
    String prefix = "test:" + UUID.randomUUID() + ":";
    env.put("REDIS_KEY_PREFIX", prefix);
    // Installation tokens of an earlier run's simulator must not be served from Redis.
    env.put("GITHUB_TOKEN_CACHE_PREFIX", prefix + "github:token:");
    env.put("GATEWAY_ADDR", "127.0.0.1:0");
    env.put("GITHUB_UPLOADS_BASE", sim.uploadsUrl());
    env.put("GATEWAY_TOKEN_GRACE", "3s");
    env.put("GATEWAY_MAX_BODY_BYTES", "65536");
    env.put("GATEWAY_CACHE_TTL", "1h");
    clientsFile = java.nio.file.Files.createTempFile("gateway-clients", ".yaml");
    java.nio.file.Files.writeString(clientsFile, clients("reader", READER));
    env.put("GATEWAY_CLIENTS_FILE", clientsFile.toString());
    LOGS.secret(READER);
    LOGS.secret(LATER);
    service = ServiceHarness.start(vertx, ServiceHarness.isolatedEnv(env));

    String delivery = UUID.randomUUID().toString();
    assertThat(service.post("push", delivery, RecordedWebhooks.payload("push.json")).statusCode())
        .isEqualTo(202);
    String queue = service.config().jobs().queue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (GetResponse m : service.broker().drain(queue)) {
                JobRequest job = JobCodec.decodeRequest(m.getBody());
                JOBS.put(job.workflowJobId(), job);
              }
              return JOBS.size() == 2;
            });
    JOBS.values().forEach(j -> LOGS.secret(j.github().token()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sim != null) {
      sim.secretsSeen().forEach(LOGS::secret);
    }
    if (service != null) {
      service.close();
    }
    SimulatorLauncher.stop(sim);
    vertx.close().await();
  }

  @Test
  @Order(1)
  void jobRequestsOfAnInstalledRepositoryCarryTheGatewayAndAJobToken() {
    String gateway = "http://127.0.0.1:" + service.service().gatewayPort().orElseThrow();
    JobRequest release = JOBS.get("release");
    JobRequest lint = JOBS.get("lint");
    assertThat(release.github().permissions())
        .isEqualTo(Map.of("contents", "write", "metadata", "read"));
    assertThat(lint.github().permissions())
        .isEqualTo(Map.of("contents", "read", "metadata", "read"));
    for (JobRequest job : JOBS.values()) {
      assertThat(job.github().apiUrl()).isEqualTo(gateway);
      assertThat(job.github().token()).startsWith("sjt_").hasSizeGreaterThanOrEqualTo(4 + 22);
      assertThat(job.github().expiresAt())
          .isAfter(Instant.now())
          .isBefore(Instant.now().plus(Duration.ofHours(6).plusMinutes(11)));
      assertThat(
              JobSchemas.validateRequest(new String(JobCodec.encode(job), StandardCharsets.UTF_8)))
          .isEmpty();
    }
    assertThat(release.github().token()).isNotEqualTo(lint.github().token());
  }

  @Test
  @Order(2)
  void forwardsWithinTheJobsRepositoryAndPermissions() {
    HttpResponse<Buffer> read =
        send(HttpMethod.GET, "/repos/" + REPO + "/contents/README.md", "Bearer", "lint", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("path")).isEqualTo("README.md");
    // The "token" scheme works as at GitHub.
    assertThat(
            send(HttpMethod.GET, "/repos/" + REPO + "/contents/README.md", "token", "lint", null)
                .statusCode())
        .isEqualTo(200);

    HttpResponse<Buffer> comment =
        send(
            HttpMethod.POST,
            "/repos/" + REPO + "/commits/" + SHA + "/comments",
            "Bearer",
            "release",
            new JsonObject().put("body", "released"));
    assertThat(comment.statusCode()).isEqualTo(201);
    assertThat(sim.writes().commitComments(REPO))
        .extracting(c -> c.getString("body"))
        .containsExactly("released");
  }

  @Test
  @Order(2)
  void curlReachesGitHubThroughTheGatewayUnchanged() throws Exception {
    // A second process, as a job would: only GITHUB_API_URL and GITHUB_TOKEN point it here.
    ProcessBuilder curl =
        new ProcessBuilder(
                "bash",
                "-c",
                "curl -sS -H \"Authorization: Bearer $GITHUB_TOKEN\""
                    + " -H 'Accept: application/vnd.github+json'"
                    + " \"$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/contents/README.md\"")
            .redirectErrorStream(true);
    curl.environment().put("GITHUB_API_URL", JOBS.get("lint").github().apiUrl());
    curl.environment().put("GITHUB_TOKEN", JOBS.get("lint").github().token());
    curl.environment().put("GITHUB_REPOSITORY", REPO);
    Process p = curl.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(new JsonObject(out).getString("name")).isEqualTo("README.md");
  }

  @Test
  @Order(3)
  void refusesWhatTheJobMayNotDoInGitHubsErrorShapeWithoutReachingGitHub() {
    int callsBefore = sim.calls().size();

    HttpResponse<Buffer> write =
        send(
            HttpMethod.POST,
            "/repos/" + REPO + "/commits/" + SHA + "/comments",
            "Bearer",
            "lint",
            new JsonObject().put("body", "not allowed"));
    assertGitHubError(write, 403, "contents: write");

    HttpResponse<Buffer> other =
        send(HttpMethod.GET, "/repos/" + OTHER + "/contents/README.md", "Bearer", "release", null);
    assertGitHubError(other, 404, "Not Found");

    assertGitHubError(send(HttpMethod.GET, "/user", "Bearer", "release", null), 403, "GET /user");
    assertGitHubError(
        request(HttpMethod.GET, "/repos/" + REPO + "/contents/README.md", null, null),
        401,
        "Requires authentication");
    assertGitHubError(
        request(
            HttpMethod.GET,
            "/repos/" + REPO + "/contents/README.md",
            "Bearer sjt_" + "A".repeat(43),
            null),
        401,
        "Bad credentials");

    URI gateway = URI.create(JOBS.get("release").github().apiUrl());
    HttpResponse<Buffer> tooLarge =
        client
            .post(gateway.getPort(), gateway.getHost(), "/repos/" + REPO + "/releases")
            .putHeader("Authorization", "Bearer " + JOBS.get("release").github().token())
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("{\"tag_name\":\"" + "x".repeat(70_000) + "\"}"))
            .await();
    assertGitHubError(tooLarge, 413, "at most 65536");

    assertThat(sim.calls().size()).as("refusals never reach GitHub").isEqualTo(callsBefore);
    assertThat(refused("missing_permission")).isEqualTo(1);
    assertThat(refused("other_repository")).isEqualTo(1);
    assertThat(refused("bad_token")).isEqualTo(1);
    assertThat(sim.writes().commitComments(REPO))
        .extracting(c -> c.getString("body"))
        .doesNotContain("not allowed");
  }

  @Test
  @Order(3)
  void graphQlQueriesOfTheJobsRepositoryGoThroughAndAllElseIsRefusedBeforeGitHub()
      throws Exception {
    // A second process, as a job would.
    ProcessBuilder curl =
        new ProcessBuilder(
                "bash",
                "-c",
                "curl -sS -H \"Authorization: bearer $GITHUB_TOKEN\" -X POST"
                    + " -d '{\"query\":\"query($o: String!) { repository(owner: $o, name:"
                    + " \\\"Hello-World\\\") { pullRequest(number: 1347) { title state } } }\",'"
                    + "'\"variables\":{\"o\":\"Codertocat\"}}' \"$GITHUB_API_URL/graphql\"")
            .redirectErrorStream(true);
    curl.environment().put("GITHUB_API_URL", JOBS.get("lint").github().apiUrl());
    curl.environment().put("GITHUB_TOKEN", JOBS.get("lint").github().token());
    Process p = curl.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(new JsonObject(out).getJsonObject("data").getJsonObject("repository"))
        .as(out)
        .isEqualTo(
            new JsonObject()
                .put(
                    "pullRequest",
                    new JsonObject().put("title", "Amazing new feature").put("state", "OPEN")));
    long upstream = sim.count("graphql");
    assertThat(upstream).isEqualTo(1);

    assertGitHubError(
        graphql(
            "mutation { addComment(input: {subjectId: \"x\", body: \"y\"}) { clientMutationId } }"),
        403,
        "mutations are not allowed for job tokens");
    assertGitHubError(
        graphql("{ a: repository(owner: \"Codertocat\", name: \"Other\") { nameWithOwner } }"),
        403,
        "is not the job's repository " + REPO);
    assertGitHubError(
        graphql("query($n: String!) { repository(owner: \"Codertocat\", name: $n) { id } }"),
        403,
        "must name the job's repository");
    URI gateway = URI.create(JOBS.get("lint").github().apiUrl());
    HttpResponse<Buffer> malformed =
        client
            .post(gateway.getPort(), gateway.getHost(), "/graphql")
            .putHeader("Authorization", "Bearer " + JOBS.get("lint").github().token())
            .sendBuffer(Buffer.buffer("{\"query\": "))
            .await();
    assertGitHubError(malformed, 400, "Problems parsing JSON");
    assertThat(sim.count("graphql")).as("refusals never reach GitHub").isEqualTo(upstream);
  }

  private static HttpResponse<Buffer> graphql(String query) {
    return send(
        HttpMethod.POST, "/graphql", "Bearer", "lint", new JsonObject().put("query", query));
  }

  @Test
  @Order(4)
  void theTokenEndsAfterTheJobsFinalResultAndTheGrace() throws Exception {
    JobRequest lint = JOBS.get("lint");
    JobResult done =
        JobResult.completed(
            lint, Conclusion.SUCCESS, Instant.now(), Instant.now(), "ok", null, null, List.of());
    service
        .broker()
        .channel()
        .basicPublish(
            service.config().results().exchange(),
            service.config().results().routingKey(),
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build(),
            JobCodec.encode(done));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sim.checkRuns(REPO).stream()
                    .anyMatch(
                        r ->
                            lint.checkRunId().equals(r.getLong("id"))
                                && "completed".equals(r.getString("status"))));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                send(
                            HttpMethod.GET,
                            "/repos/" + REPO + "/contents/README.md",
                            "Bearer",
                            "lint",
                            null)
                        .statusCode()
                    == 401);
    assertThat(service.registry().counter("solstice_gateway_job_tokens", "event", "issued").count())
        .isEqualTo(2);
    assertThat(
            service.registry().counter("solstice_gateway_job_tokens", "event", "revoked").count())
        .isEqualTo(1);
    // The other job's token is untouched.
    assertThat(
            send(
                    HttpMethod.GET,
                    "/repos/" + REPO + "/contents/README.md",
                    "Bearer",
                    "release",
                    null)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  @Order(5)
  void anUnknownPermissionFailsTheCheckWithAnAnnotationAndIssuesNoToken() throws Exception {
    String sha = "b".repeat(40);
    sim.putFile(
        REPO,
        sha,
        SimulatorLauncher.WORKFLOW_PATH,
        """
        job "deploy" {
            script "./deploy.sh"
            permissions {
                administration "write"
            }
        }
        """);
    JsonObject push = new JsonObject(Buffer.buffer(RecordedWebhooks.payload("push.json")));
    push.put("after", sha).put("ref", "refs/heads/bad-permissions");
    assertThat(
            service
                .post("push", UUID.randomUUID().toString(), push.toBuffer().getBytes())
                .statusCode())
        .isEqualTo(202);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sim.checkRuns(REPO).stream()
                    .anyMatch(
                        r ->
                            sha.equals(r.getString("head_sha"))
                                && "failure".equals(r.getString("conclusion"))));
    JsonObject run =
        sim.checkRuns(REPO).stream()
            .filter(r -> sha.equals(r.getString("head_sha")))
            .findFirst()
            .orElseThrow();
    assertThat(sim.annotations(run.getLong("id")))
        .anySatisfy(
            a -> {
              assertThat(a.getString("path")).isEqualTo(SimulatorLauncher.WORKFLOW_PATH);
              assertThat(a.getInteger("start_line")).isEqualTo(4);
              assertThat(a.getString("message")).contains("unknown permission 'administration'");
            });
    assertThat(service.broker().count(service.config().jobs().queue())).isZero();
  }

  @Test
  @Order(6)
  void exchangesAJobTokenForAnInstallationTokenOfTheJobsRepositoryToCloneWith() {
    HttpResponse<Buffer> r = send(HttpMethod.POST, "/gateway/token", "Bearer", "release", null);
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("repository")).isEqualTo(REPO);
    assertThat(body.getJsonObject("permissions").getMap())
        .isEqualTo(Map.of("contents", "write", "metadata", "read"));
    assertThat(Instant.parse(body.getString("expires_at")))
        .isBeforeOrEqualTo(JOBS.get("release").github().expiresAt());
    String token = body.getString("token");
    assertThat(token).doesNotStartWith("sjt_");
    URI api = URI.create(sim.baseUrl());
    var direct =
        client
            .get(
                api.getPort(),
                api.getHost(),
                api.getPath() + "/repos/" + OTHER + "/contents/README.md")
            .putHeader("Authorization", "token " + token);
    assertThat(direct.send().await().statusCode()).as("another repository").isEqualTo(404);
  }

  @Test
  @Order(7)
  void aJobWithContentsWriteUploadsAReleaseAssetAndUpdatesAFileThroughTheGateway() {
    HttpResponse<Buffer> release =
        send(
            HttpMethod.POST,
            "/repos/" + REPO + "/releases",
            "Bearer",
            "release",
            new JsonObject().put("tag_name", "v1.0.0").put("name", "v1.0.0"));
    assertThat(release.statusCode()).as(release.bodyAsString()).isEqualTo(201);
    long releaseId = release.bodyAsJsonObject().getLong("id");

    URI gateway = URI.create(JOBS.get("release").github().apiUrl());
    HttpResponse<Buffer> asset =
        client
            .post(
                gateway.getPort(),
                gateway.getHost(),
                "/uploads/repos/" + REPO + "/releases/" + releaseId + "/assets?name=notes.txt")
            .putHeader("Authorization", "Bearer " + JOBS.get("release").github().token())
            .putHeader("Content-Type", "text/plain")
            .sendBuffer(Buffer.buffer("release notes"))
            .await();
    assertThat(asset.statusCode()).as(asset.bodyAsString()).isEqualTo(201);
    assertThat(sim.writes().assetBytes(asset.bodyAsJsonObject().getLong("id")))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("release notes");

    String path = "/repos/" + REPO + "/contents/README.md";
    String sha =
        send(HttpMethod.GET, path, "Bearer", "release", null).bodyAsJsonObject().getString("sha");
    HttpResponse<Buffer> update =
        send(
            HttpMethod.PUT,
            path,
            "Bearer",
            "release",
            new JsonObject()
                .put("message", "bump")
                .put("sha", sha)
                .put(
                    "content",
                    java.util.Base64.getEncoder()
                        .encodeToString("hello again".getBytes(StandardCharsets.UTF_8))));
    assertThat(update.statusCode()).as(update.bodyAsString()).isEqualTo(200);
    String content =
        send(HttpMethod.GET, path, "Bearer", "release", null)
            .bodyAsJsonObject()
            .getString("content");
    assertThat(
            new String(java.util.Base64.getMimeDecoder().decode(content), StandardCharsets.UTF_8))
        .isEqualTo("hello again");
  }

  @Test
  @Order(8)
  void anInstallationTokenRevokedAtGitHubIsReplacedOnce() {
    String path = "/repos/" + REPO + "/contents/README.md";
    assertThat(send(HttpMethod.GET, path, "Bearer", "release", null).statusCode()).isEqualTo(200);
    long mints = sim.mints();
    sim.resetTokens();
    assertThat(send(HttpMethod.GET, path, "Bearer", "release", null).statusCode()).isEqualTo(200);
    assertThat(sim.mints()).isEqualTo(mints + 1);
  }

  @Test
  @Order(9)
  void aRepeatedGetIsAskedConditionallyAndAnsweredFromTheCacheOnA304() {
    String path = "/repos/" + REPO + "/contents/README.md";
    HttpResponse<Buffer> first = send(HttpMethod.GET, path, "Bearer", "release", null);
    HttpResponse<Buffer> second = send(HttpMethod.GET, path, "Bearer", "release", null);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.getHeader(GitHubForwarder.CACHE_HEADER)).isEqualTo("hit");
    assertThat(second.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(second.getHeader("etag")).isEqualTo(first.getHeader("etag"));
    var contentCalls = sim.calls(c -> c.path().endsWith("/contents/README.md"));
    assertThat(contentCalls.get(contentCalls.size() - 1).status())
        .as("the repeat cost GitHub a 304")
        .isEqualTo(304);
    // Kept in Redis, shared by the replicas, under a hash: no URL or token in the key.
    var redis =
        io.vertx.redis.client.RedisAPI.api(
            io.vertx.redis.client.Redis.createClient(vertx, "redis://127.0.0.1:6379"));
    List<String> keys =
        redis.keys(service.config().redisKeys().gatewayCache() + "*").await().stream()
            .map(Object::toString)
            .toList();
    assertThat(keys).isNotEmpty().allMatch(k -> k.matches(".*gateway:cache:[0-9a-f]{64}"));
  }

  @Test
  @Order(10)
  void aClientsOwnMatchingIfNoneMatchIsAnswered304ByTheGatewayWithinTheTtl() {
    String path = "/repos/" + REPO + "/contents/README.md";
    String etag = send(HttpMethod.GET, path, "Bearer", "release", null).getHeader("etag");
    int calls = sim.calls().size();
    HttpResponse<Buffer> mine = conditional(path, etag);
    assertThat(mine.statusCode()).isEqualTo(304);
    assertThat(mine.getHeader("etag")).isEqualTo(etag);
    assertThat(mine.getHeader(GitHubForwarder.CACHE_HEADER)).isEqualTo("not-modified");
    assertThat(conditional(path, "W/\"other\", " + etag).statusCode()).isEqualTo(304);
    assertThat(sim.calls().size()).as("answered without GitHub").isEqualTo(calls);

    // A tag the gateway does not hold goes to GitHub as it is.
    assertThat(conditional(path, "\"stale\"").statusCode()).isEqualTo(200);
    assertThat(sim.calls().size()).isEqualTo(calls + 1);
  }

  private static HttpResponse<Buffer> conditional(String path, String ifNoneMatch) {
    URI gateway = URI.create(JOBS.get("release").github().apiUrl());
    return client
        .get(gateway.getPort(), gateway.getHost(), path)
        .putHeader("Authorization", "Bearer " + JOBS.get("release").github().token())
        .putHeader("Accept", "application/vnd.github+json")
        .putHeader("If-None-Match", ifNoneMatch)
        .send()
        .await();
  }

  private static double refused(String why) {
    return service
        .registry()
        .find("solstice_gateway_requests")
        .tag("outcome", why)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  @Order(20)
  void registryClientsAreHeldToTheirScopesRepositoriesAndBudgetAndTheFileIsReloaded()
      throws Exception {
    String contents = "/repos/" + REPO + "/contents/README.md";
    int callsBefore = sim.calls().size();
    assertGitHubError(
        request(HttpMethod.GET, "/repos/" + REPO + "/issues", "Bearer " + READER, null),
        403,
        "Client reader has no scope for GET /repos/" + REPO + "/issues");
    assertGitHubError(
        request(
            HttpMethod.GET, "/repos/" + OTHER + "/contents/README.md", "Bearer " + READER, null),
        404,
        "Not Found");
    assertThat(sim.calls().size()).as("refusals never reach GitHub").isEqualTo(callsBefore);
    // Within scope: forwarded with the App's installation token, counted against the budget.
    HttpResponse<Buffer> read = request(HttpMethod.GET, contents, "token " + READER, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("path")).isEqualTo("README.md");
    assertThat(request(HttpMethod.GET, contents, "token " + READER, null).statusCode())
        .isIn(200, 304);
    HttpResponse<Buffer> spent = request(HttpMethod.GET, contents, "token " + READER, null);
    assertGitHubError(spent, 429, "spent its budget of 2 requests per hour");
    assertThat(Long.parseLong(spent.getHeader("Retry-After"))).isBetween(1L, 3600L);
    int callsAfter = sim.calls().size();
    assertThat(
            request(HttpMethod.GET, "/repos/" + REPO + "/contents/x.md", "Bearer " + READER, null)
                .statusCode())
        .isEqualTo(429);
    assertThat(sim.calls().size()).as("a spent budget never reaches GitHub").isEqualTo(callsAfter);

    assertGitHubError(
        request(HttpMethod.GET, contents, "Bearer " + LATER, null), 401, "Bad credentials");
    java.nio.file.Files.writeString(clientsFile, "version: 1\nclients: [oops\n");
    java.nio.file.Files.writeString(clientsFile, clients("reader", READER, "later", LATER));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> request(HttpMethod.GET, contents, "Bearer " + LATER, null).statusCode() == 200);
  }

  @Test
  @Order(30)
  void metricsCountJobTokensUsedAndRefusedAndTheCachesHitsAndMisses() throws Exception {
    String job = "client=\"job\"";
    String contents = "route=\"/repos/{owner}/{repo}/contents/{path}\"";
    double used = Scrape.value(service, "solstice_gateway_job_tokens_total", "event=\"used\"");
    double requests = Scrape.value(service, "solstice_gateway_requests_total", job, contents);
    double hits = Scrape.value(service, "solstice_gateway_cache_total", "result=\"hit\"");
    double misses = Scrape.value(service, "solstice_gateway_cache_total", "result=\"miss\"");
    send(HttpMethod.GET, "/repos/" + REPO + "/contents/README.md", "Bearer", "release", null);
    send(HttpMethod.GET, "/repos/" + REPO + "/contents/README.md", "Bearer", "release", null);
    assertThat(Scrape.value(service, "solstice_gateway_job_tokens_total", "event=\"used\""))
        .isEqualTo(used + 2);
    assertThat(Scrape.value(service, "solstice_gateway_requests_total", job, contents))
        .isEqualTo(requests + 2);
    assertThat(
            Scrape.value(service, "solstice_gateway_cache_total", "result=\"hit\"")
                + Scrape.value(service, "solstice_gateway_cache_total", "result=\"miss\""))
        .isEqualTo(hits + misses + 2);
    assertThat(Scrape.value(service, "solstice_gateway_cache_total", "result=\"hit\""))
        .isGreaterThan(hits);

    String forged = "sjt_" + "A".repeat(43);
    double unknown =
        Scrape.value(service, "solstice_gateway_job_tokens_refused_total", "reason=\"unknown\"");
    request(HttpMethod.GET, "/repos/" + REPO + "/contents/README.md", "Bearer " + forged, null);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Scrape.value(
                        service, "solstice_gateway_job_tokens_refused_total", "reason=\"unknown\"")
                    == unknown + 1);
    assertThat(Scrape.value(service, "solstice_gateway_job_tokens_total", "event=\"issued\""))
        .isGreaterThanOrEqualTo(2);
    assertThat(Scrape.value(service, "solstice_gateway_job_tokens_total", "event=\"revoked\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(Scrape.has(service, "solstice_gateway_ratelimit_remaining", "credential=\"app@1\""))
        .isTrue();
    String text = service.getManagement("/metrics").bodyAsString();
    JOBS.values().forEach(j -> assertThat(text).doesNotContain(j.github().token()));
  }

  private static void assertGitHubError(HttpResponse<Buffer> r, int status, String naming) {
    assertThat(r.statusCode()).isEqualTo(status);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("message")).contains(naming);
    assertThat(body.getString("documentation_url")).startsWith("https://");
  }

  private static HttpResponse<Buffer> send(
      HttpMethod method, String path, String scheme, String job, JsonObject body) {
    return request(method, path, scheme + " " + JOBS.get(job).github().token(), body);
  }

  private static HttpResponse<Buffer> request(
      HttpMethod method, String path, String authorization, JsonObject body) {
    URI gateway = URI.create(JOBS.get("lint").github().apiUrl());
    var req = client.request(method, gateway.getPort(), gateway.getHost(), path);
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    req.putHeader("Accept", "application/vnd.github+json");
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }
}
