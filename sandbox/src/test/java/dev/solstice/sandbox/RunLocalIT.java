package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a newcomer runs it: the sandbox's runnable jar starts, prints a
 * signed webhook, and that webhook ends in completed check runs. Guards the fat jar itself (a
 * dependency missing from it passes every in-process test).
 */
class RunLocalIT {

  private static final Path JAR = Path.of("target/solstice-sandbox.jar");

  @Test
  void printedWebhookEndsInCompletedCheckRuns() throws Exception {
    Path dir = Files.createTempDirectory("solstice-run-local");
    Path out = dir.resolve("out.log");
    // Queue names of its own, so the test never meets a sandbox a developer is running.
    java.util.Map<String, String> env =
        dev.solstice.integration.testing.ServiceHarness.isolatedEnv(
            java.util.Map.of(
                "HTTP_ADDR",
                "127.0.0.1:0",
                "SANDBOX_DIR",
                dir.toString(),
                "STUB_DEFAULT_DURATION_MS",
                "100"));
    ProcessBuilder pb =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m",
                "-jar",
                JAR.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(out).contains("Check runs appear below"));
      String printed = Files.readString(out);
      // The service binds a free port itself (HTTP_ADDR port 0); the sandbox prints the one it got.
      Matcher endpoint =
          Pattern.compile("webhook endpoint\\s+http://127\\.0\\.0\\.1:(\\d+)/").matcher(printed);
      assertThat(endpoint.find()).as(printed).isTrue();
      int port = Integer.parseInt(endpoint.group(1));
      assertThat(port).isPositive();
      Matcher signature =
          Pattern.compile("X-Hub-Signature-256: (sha256=[0-9a-f]{64})").matcher(printed);
      assertThat(signature.find()).as(printed).isTrue();
      Matcher body = Pattern.compile("--data-binary @(\\S+)").matcher(printed);
      assertThat(body.find()).as(printed).isTrue();

      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                      .header("Content-Type", "application/json")
                      .header("X-GitHub-Event", "push")
                      .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                      .header("X-Hub-Signature-256", signature.group(1))
                      .POST(HttpRequest.BodyPublishers.ofFile(Path.of(body.group(1))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(202);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Pattern.compile("'Solstice CI / \\w+' on \\w+: completed")
                          .matcher(Files.readString(out))
                          .results()
                          .count()
                      == 3);

      // Issue 16: each check run's job page (a public repository, PUBLIC_REPOS_ANONYMOUS=true in
      // the sandbox) shows its job and the log the stub uploaded.
      Matcher page =
          Pattern.compile("completed \\(success\\).*job page (http://\\S+)")
              .matcher(Files.readString(out));
      assertThat(page.find()).as(Files.readString(out)).isTrue();
      HttpResponse<String> jobPage =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(page.group(1))).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(jobPage.statusCode()).as(page.group(1)).isEqualTo(200);
      assertThat(jobPage.body()).contains("<pre class=\"log\">").contains("href=\"#L1\"");

      // The operator console line tells the truth: there, behind the GitHub sign-in, or off (this
      // test binds port 0, so the sign-in and with it the console are off).
      Matcher console = Pattern.compile("operator console\\s+(\\S+)").matcher(printed);
      assertThat(console.find()).as(printed).isTrue();
      HttpResponse<String> consolePage =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (console.group(1).equals("off")) {
        assertThat(consolePage.statusCode()).isEqualTo(404);
      } else {
        assertThat(consolePage.statusCode()).isEqualTo(302);
        assertThat(consolePage.headers().firstValue("Location"))
            .hasValueSatisfying(location -> assertThat(location).contains("/login"));
      }
    } finally {
      process.destroy(); // SIGTERM: the sandbox deletes nothing, so remove its queues below
      process.waitFor(30, TimeUnit.SECONDS);
      process.destroyForcibly();
      try (dev.solstice.integration.testing.TestBroker broker =
          new dev.solstice.integration.testing.TestBroker()) {
        broker.trackAll(dev.solstice.integration.config.AppConfig.fromEnv(env, List.of()));
      }
    }
  }
}
