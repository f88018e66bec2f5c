package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, workers' write operations end to end: the service with its gateway, the orchestrator
 * stub executing the job scripts (bash, curl: processes of their own) with {@code GITHUB_API_URL},
 * {@code GITHUB_TOKEN} (the job token) and {@code GITHUB_REPOSITORY}, as Actions gives them. A job
 * granted {@code contents: write} comments on the commit, uploads a release asset (through {@code
 * /uploads/}) and updates a file; a job with the default permissions is refused each of those
 * writes with a 403 naming the permission, and none of its writes reaches GitHub.
 */
class JobWritesIT {

  private static final String SHA = SandboxStack.PUSH_SHA;
  private static final String REPO = SandboxStack.REPO;

  /** The writes, each printing its status and GitHub's answer; {@code $1} is the release id. */
  private static final List<String> WRITES =
      List.of(
          "api=\"$GITHUB_API_URL/repos/$GITHUB_REPOSITORY\"",
          "auth=\"Authorization: Bearer $GITHUB_TOKEN\"",
          "call() { curl -sS -o out.json -w '%{http_code}' -H \"$auth\" \"$@\"; }",
          "echo \"comment $(call -X POST -d '{\"body\":\"built by '$JOB'\"}'"
              + " \"$api/commits/"
              + SHA
              + "/comments\") $(cat out.json)\"",
          "echo \"release $(call -X POST -d '{\"tag_name\":\"v-'$JOB'\"}' \"$api/releases\")"
              + " $(cat out.json)\"",
          "release=$(jq -r '.id // 1' out.json)",
          // Over 1 KiB: curl asks "Expect: 100-continue" first.
          "{ echo \"$JOB asset\"; head -c 4096 /dev/zero | tr '\\0' x; } > asset.txt",
          "echo \"asset $(call -H 'Content-Type: text/plain' --data-binary @asset.txt"
              + " \"$GITHUB_API_URL/uploads/repos/$GITHUB_REPOSITORY/releases/$release/assets"
              + "?name=$JOB.txt\") $(cat out.json)\"",
          "echo \"read $(call \"$api/contents/VERSION?ref=main\")\"",
          "sha=$(jq -r .sha out.json)",
          "body=$(jq -nc --arg c \"$(printf 2.0.0 | base64)\" --arg s \"$sha\""
              + " '{message: \"bump\", content: $c, sha: $s}')",
          "echo \"update $(call -X PUT -d \"$body\" \"$api/contents/VERSION\") $(cat out.json)\"");

  private static Vertx vertx;
  private static SandboxStack stack;
  private static TestBroker broker;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Path workDir = Files.createTempDirectory("solstice-job-writes");
    Map<String, String> env =
        ServiceHarness.isolatedEnv(Map.of("GATEWAY_ADDR", "127.0.0.1:0", "STUB_EXECUTE", "true"));
    stack = SandboxStack.start(vertx, env, workDir);
    broker = new TestBroker();
    broker.trackAll(stack.config());
    GitHubSimulator github = stack.github();
    // The App may write contents; each job gets only what its workflow grants.
    github.installation(
        SandboxStack.INSTALLATION,
        Map.of("checks", "write", "contents", "write", "metadata", "read"),
        REPO);
    github.putFile(REPO, "main", "VERSION", "1.0");
    github.putFile(REPO, SHA, SimulatorLauncher.WORKFLOW_PATH, workflow());
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
    stack.startOrchestrator();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (broker != null) {
      broker.close();
    }
    vertx.close().await();
  }

  private static String workflow() {
    return "name \"CI\"\n"
        + job("publish", "permissions {\n        contents \"write\"\n    }\n")
        + job("lint", "");
  }

  private static String job(String name, String permissions) {
    String script =
        WRITES.stream()
            .map(line -> "\"" + line.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
            .collect(Collectors.joining(" "));
    return "job \""
        + name
        + "\" {\n    env JOB=\""
        + name
        + "\"\n    "
        + permissions
        + "    script "
        + script
        + "\n}\n";
  }

  @Test
  void aGrantedJobWritesThroughTheGatewayAndADefaultJobIsRefusedEachWrite() throws Exception {
    byte[] push = RecordedWebhooks.payload("push.json");
    WebClient http = WebClient.create(vertx);
    int status =
        http.post(stack.service().httpPort(), "127.0.0.1", "/webhooks/github")
            .putHeader("Content-Type", "application/json")
            .putHeader("X-GitHub-Event", "push")
            .putHeader("X-GitHub-Delivery", UUID.randomUUID().toString())
            .putHeader("X-Hub-Signature-256", SignatureVerifier.sign(ServiceHarness.SECRET, push))
            .sendBuffer(Buffer.buffer(push))
            .await()
            .statusCode();
    assertThat(status).isEqualTo(202);
    GitHubSimulator github = stack.github();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                github.checkRuns(REPO).stream()
                        .filter(r -> "completed".equals(r.getString("status")))
                        .count()
                    == 2);

    String publish = log("publish");
    assertThat(publish).contains("comment 201", "release 201", "asset 201", "update 200");
    assertThat(github.writes().commitComments(REPO))
        .extracting(c -> c.getString("body"), c -> c.getString("commit_id"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("built by publish", SHA));
    List<JsonObject> releases = github.writes().releases(REPO);
    assertThat(releases).extracting(r -> r.getString("tag_name")).containsExactly("v-publish");
    List<JsonObject> assets = github.writes().assets(releases.get(0).getLong("id"));
    assertThat(assets).extracting(a -> a.getString("name")).containsExactly("publish.txt");
    assertThat(
            new String(
                github.writes().assetBytes(assets.get(0).getLong("id")), StandardCharsets.UTF_8))
        .isEqualTo("publish asset\n" + "x".repeat(4096));
    // GitHub's answer to the update: the new file, 5 bytes ("2.0.0") where "1.0" was.
    assertThat(publish).containsPattern("update 200 \\{\"content\":\\{[^}]*\"size\":5");

    // The default job reads, and each of its writes is the gateway's 403 naming the permission.
    String lint = log("lint");
    assertThat(lint).contains("read 200");
    for (String write : List.of("comment", "release", "asset", "update")) {
      assertThat(lint)
          .containsPattern(
              write
                  + " 403 \\{\"message\":\"Resource not accessible by job token: [^\"]*needs the"
                  + " contents: write permission");
    }
    // None reached GitHub: one of each write, the publish job's.
    assertThat(github.count("repos/create-commit-comment")).isEqualTo(1);
    assertThat(github.count("repos/create-release")).isEqualTo(1);
    assertThat(github.count("repos/upload-release-asset")).isEqualTo(1);
    assertThat(github.count("repos/create-or-update-file-contents")).isEqualTo(1);
    assertThat(github.schemaViolations()).isEmpty();
    // The token never shows in a log.
    assertThat(publish + lint).doesNotContain("sjt_");
  }

  /** The job's log as the stub stored it (the check run links it). */
  private static String log(String job) throws Exception {
    JsonObject run =
        stack.github().checkRuns(REPO).stream()
            .filter(r -> ("Solstice CI / " + job).equals(r.getString("name")))
            .findFirst()
            .orElseThrow();
    assertThat(run.getString("conclusion")).as(run.encodePrettily()).isEqualTo("success");
    return stack.s3().readObjectAt(run.getString("details_url"));
  }
}
