package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.HeadlessChromium;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Issue 16 end to end in Debian's Chromium, headless: a push through the service (GitHub simulator,
 * real RabbitMQ) runs a job in the orchestrator stub's execute mode; its check run's details_url
 * opens the job page, whose log grows while the script prints (the stub uploads parts, the page
 * follows them over server-sent events, no reload), and which turns green when the job succeeds.
 * Screenshots go to target/screenshots/ (scripts/screenshots.sh copies them to docs/images/); a
 * failure leaves target/screenshots/live-job-page-failure.png. Skipped where {@code
 * /usr/bin/chromium} is absent ({@code scripts/test.sh} installs it).
 */
class LiveJobPageBrowserIT {

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final int STEPS = 30;

  /**
   * A job whose script prints a coloured line about every half second, and one that needs it (only
   * runs with needs, or that cancel superseded ones, are kept in the run state the pages read).
   */
  private static final String WORKFLOW =
      """
      name "CI"

      job "build" {
          runs_on "linux-x64"
          script "echo building" \
      "for i in $(seq 1 %d); do printf '\\\\033[32mstep %%s of %d\\\\033[0m compiled\\\\n' $i; sleep 0.5; done" \
      "printf '\\\\033[1mbuild ok\\\\033[0m\\\\n'"
      }

      job "report" {
          runs_on "linux-x64"
          needs "build"
          script "echo reported"
      }
      """
          .formatted(STEPS, STEPS);

  @Test
  void theLogGrowsLiveWhileTheJobRunsAndThePageTurnsGreen() throws Exception {
    HeadlessChromium.assumeInstalled();
    int port = freePort();
    Map<String, String> env =
        ServiceHarness.isolatedEnv(
            Map.of(
                "HTTP_ADDR", "127.0.0.1:" + port,
                "PUBLIC_URL", "http://127.0.0.1:" + port,
                "JOB_PAGES_PUBLIC", "true",
                "JOB_LOG_POLL_INTERVAL", "300ms",
                "STUB_EXECUTE", "true",
                "STUB_LOG_PART_INTERVAL_MS", "300"));
    Vertx vertx = Vertx.vertx();
    Path workDir = Files.createTempDirectory("solstice-live-page");
    SandboxStack stack = SandboxStack.start(vertx, env, workDir);
    HeadlessChromium chromium = null;
    WebDriver browser = null;
    try (TestBroker broker = new TestBroker()) {
      broker.trackAll(stack.config());
      stack
          .github()
          .putFile(
              SandboxStack.REPO, SandboxStack.PUSH_SHA, SimulatorLauncher.WORKFLOW_PATH, WORKFLOW);
      await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
      stack.startOrchestrator();
      // The browser first: it takes seconds to start on a busy machine, the job not many more.
      chromium = HeadlessChromium.start();
      browser = chromium.driver();
      browser.manage().window().setSize(new Dimension(1000, 1000));
      assertThat(push(port)).isEqualTo(202);

      // The check run's Details link, as soon as the check run is there (queued or in progress).
      await().atMost(Duration.ofSeconds(60)).until(() -> build(stack).isPresent());
      String details = build(stack).orElseThrow().getString("details_url");
      assertThat(details).startsWith("http://127.0.0.1:" + port + "/jobs/");
      // The check runs are created before the run is recorded: the page answers once it is.
      await().atMost(Duration.ofSeconds(30)).until(() -> status(details) == 200);
      browser.get(details);
      WebDriver page = browser;
      assertThat(browser.findElement(By.id("status")).getText()).isIn("queued", "started");
      ((JavascriptExecutor) browser).executeScript("window.solsticeNotReloaded = true;");
      int atOpen = lines(browser).size();

      // New lines arrive in the open page, with their numbers continued, before the job ends.
      await().atMost(Duration.ofSeconds(60)).until(() -> lines(page).size() > atOpen + 2);
      // The state follows too (a queued job's page shows it started).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> page.findElement(By.id("status")).getText().equals("started"));
      assertThat(browser.findElement(By.id("live-hint")).getText()).contains("appear here");
      shot(browser, "job-page-live.png");

      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> page.findElement(By.id("status")).getText().equals("completed:success"));
      assertThat(((JavascriptExecutor) browser).executeScript("return window.solsticeNotReloaded"))
          .as("the page was never reloaded")
          .isEqualTo(true);
      WebElement status = browser.findElement(By.cssSelector("#status code"));
      assertThat(status.getCssValue("color")).isEqualTo("rgba(0, 136, 0, 1)");
      assertThat(browser.findElement(By.id("live-hint")).getText()).contains("finished");
      assertThat(browser.findElement(By.cssSelector("tr.current td.state")).getText())
          .isEqualTo("completed:success");

      // Every line once, numbered 1..n, as the final log has them; the steps in green.
      List<WebElement> all = lines(browser);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).getAttribute("id")).isEqualTo("L" + (i + 1));
      }
      String text = browser.findElement(By.id("log")).getText();
      assertThat(text).contains("step 1 of " + STEPS, "step " + STEPS + " of " + STEPS, "build ok");
      assertThat(text.split("step 3 of ", -1)).hasSize(2);
      assertThat(browser.findElements(By.cssSelector("#log .ansi-fg-2"))).hasSize(STEPS);
      String finalLog = stack.s3().readObject(SandboxStack.LOG_BUCKET, logKey(details));
      assertThat(all).hasSize((int) finalLog.lines().count());
      shot(browser, "job-page-live-done.png");
    } catch (Throwable e) {
      if (browser != null) {
        shot(browser, "live-job-page-failure.png");
      }
      throw e;
    } finally {
      if (chromium != null) {
        chromium.close();
      }
      stack.close();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static Optional<JsonObject> build(SandboxStack stack) {
    return stack.github().checkRuns(SandboxStack.REPO).stream()
        .filter(r -> "Solstice CI / build".equals(r.getString("name")))
        .findFirst();
  }

  private static List<WebElement> lines(WebDriver browser) {
    return browser.findElements(By.cssSelector("#log > .line"));
  }

  private static String logKey(String details) {
    return "logs/" + details.substring(details.lastIndexOf('/') + 1) + ".log";
  }

  private static int push(int port) throws Exception {
    byte[] body = RecordedWebhooks.payload("push.json");
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", SignatureVerifier.sign(ServiceHarness.SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void shot(WebDriver browser, String name) throws Exception {
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
