package dev.solstice.integration.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.HeadlessChromium;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.simulator.github.GitHubSimulator;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Issue 16, in Debian's Chromium (headless, through chromedriver): the service with a GitHub App
 * and GitHub login on the simulator, a push that creates two check runs, and their details_url (the
 * job page) opened by a writer, a reader, a user without access and an anonymous viewer. A failed
 * test leaves a screenshot in {@code target/screenshots/}. Skipped where {@code /usr/bin/chromium}
 * is absent ({@code scripts/test.sh} installs it).
 */
class JobAccessBrowserIT {

  private static final String REPO = "Codertocat/Hello-World";
  private static final String SHA = RecordedWebhooks.PUSH_SHA;

  /** Jobs with needs: the run state (which the job pages read) keeps the run. */
  private static final String BUILD_THEN_TEST =
      """
      job "build" {
          script "make"
      }
      job "test" {
          needs "build"
          script "make test"
      }
      """;

  private static final String CLIENT_ID = "Iv1.browser";
  private static final String CLIENT_SECRET = "browser-secret-" + UUID.randomUUID();

  private static Vertx vertx;
  private static GitHubSimulator sim;
  private static ServiceHarness service;
  private static String base;
  private static String jobUrl;

  private HeadlessChromium chromium;
  private WebDriver browser;

  /** A screenshot of the failing page, taken before the browser closes. */
  @RegisterExtension
  final TestExecutionExceptionHandler screenshots =
      (context, failure) -> {
        shoot("failed-" + context.getRequiredTestMethod().getName());
        throw failure;
      };

  @BeforeAll
  static void startService() throws Exception {
    HeadlessChromium.assumeInstalled();
    vertx = Vertx.vertx();
    sim =
        SimulatorLauncher.on(vertx)
            .repository(1, REPO)
            .workflow(REPO, SHA, BUILD_THEN_TEST)
            .start();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    sim.users()
        .client(CLIENT_ID, CLIENT_SECRET, base + AuthSettings.CALLBACK_PATH)
        .grant("walt", REPO, "write")
        .grant("rita", REPO, "read")
        .user("bob");
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_ADDR", "127.0.0.1:" + port);
    env.put("PUBLIC_URL", base);
    env.put("GITHUB_API_BASE", sim.baseUrl());
    env.put("GITHUB_WEB_URL", sim.webUrl());
    env.put("GITHUB_APP_ID", Long.toString(sim.app().id()));
    env.put("GITHUB_APP_KEY", sim.app().pkcs1Pem());
    env.put("GITHUB_CLIENT_ID", CLIENT_ID);
    env.put("GITHUB_CLIENT_SECRET", CLIENT_SECRET);
    env.put("SESSION_SECRET", "browser-test-session-secret-" + UUID.randomUUID());
    env.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
    service = ServiceHarness.start(vertx, ServiceHarness.isolatedEnv(env));
    sim.rerequests()
        .webhookTarget(base + service.config().webhookPath(), ServiceHarness.SECRET)
        .headBranch(REPO, SHA, "master");
    assertThat(
            service
                .post("push", UUID.randomUUID().toString(), RecordedWebhooks.payload("push.json"))
                .statusCode())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.checkRuns(REPO).size() == 2);
    jobUrl = sim.checkRuns(REPO).get(0).getString("details_url");
    assertThat(jobUrl).startsWith(base + "/jobs/");
  }

  @AfterAll
  static void stopService() throws Exception {
    if (service != null) {
      service.close();
    }
    if (sim != null) {
      sim.close().toCompletionStage().toCompletableFuture().get();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @BeforeEach
  void openBrowser() throws Exception {
    chromium = HeadlessChromium.start();
    browser = chromium.driver();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1000, 900));
  }

  @AfterEach
  void closeBrowser() throws Exception {
    sim.users().signIn(null);
    chromium.close();
  }

  @Test
  void aWriterSignsInSeesTheJobAndReRunsIt() throws Exception {
    sim.users().signIn("walt");
    browser.get(jobUrl);
    assertThat(browser.getCurrentUrl()).isEqualTo(jobUrl);
    assertThat(browser.findElement(By.cssSelector("dl.facts")).getText()).contains(REPO, SHA);
    assertThat(browser.findElement(By.cssSelector(".viewer")).getText()).contains("walt");
    shoot("job-page-signed-in");

    int before = sim.checkRuns(REPO).size();
    browser.findElement(By.id("rerun")).click();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> (jobUrl + "?rerun=requested").equals(browser.getCurrentUrl()));
    assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Re-run");
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.checkRuns(REPO).size() == before + 1);
    JsonObject rerun = sim.checkRuns(REPO).get(before);
    String name = sim.checkRuns(REPO).get(0).getString("name");
    assertThat(rerun.getString("name")).isEqualTo(name);
    assertThat(rerun.getString("head_sha")).isEqualTo(SHA);
    List<JsonObject> sent = sim.rerequests().sent();
    assertThat(sent).isNotEmpty();
    assertThat(sent.get(sent.size() - 1).getJsonObject("sender").getString("login"))
        .isEqualTo("walt");
  }

  @Test
  void aReaderSeesTheJobWithoutAReRunButton() {
    sim.users().signIn("rita");
    browser.get(jobUrl);
    assertThat(browser.findElement(By.cssSelector("dl.facts")).getText()).contains(REPO);
    assertThat(browser.findElements(By.id("rerun"))).isEmpty();
  }

  @Test
  void aUserWithoutAccessGetsTheNotFoundPage() {
    sim.users().signIn("bob");
    browser.get(jobUrl);
    assertThat(browser.getTitle()).containsIgnoringCase("not found");
    assertThat(browser.findElements(By.cssSelector("dl.facts"))).isEmpty();
  }

  @Test
  void anAnonymousViewerIsSentToLoginAndBackToThePage() {
    sim.users().signIn(null);
    browser.get(jobUrl);
    // GitHub's authorize page (nobody signed in to the simulated github.com): choose and approve.
    assertThat(browser.getCurrentUrl()).startsWith(sim.webUrl() + "/login/oauth/authorize?");
    assertThat(browser.getCurrentUrl()).doesNotContain("access_token");
    browser.findElement(By.xpath("//select[@name='login']/option[text()='rita']")).click();
    browser.findElement(By.id("authorize")).click();
    // The click returns once the form is submitted; the redirects (callback, then the page) follow.
    await().atMost(Duration.ofSeconds(15)).until(() -> jobUrl.equals(browser.getCurrentUrl()));
    assertThat(browser.findElement(By.cssSelector(".viewer")).getText()).contains("rita");
  }

  @Test
  void aForgedSessionCookieGoesBackToLogin() {
    sim.users().signIn("rita");
    browser.get(jobUrl);
    assertThat(browser.findElement(By.cssSelector(".viewer")).getText()).contains("rita");
    Cookie session = browser.manage().getCookieNamed(WebAuth.SESSION_COOKIE);
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.isSecure()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Lax");
    String v = session.getValue();
    String forged =
        v.substring(0, v.length() / 2)
            + (v.charAt(v.length() / 2) == 'A' ? 'B' : 'A')
            + v.substring(v.length() / 2 + 1);
    browser.manage().deleteCookieNamed(WebAuth.SESSION_COOKIE);
    browser
        .manage()
        .addCookie(
            new Cookie.Builder(WebAuth.SESSION_COOKIE, forged)
                .path("/")
                .isHttpOnly(true)
                .isSecure(true)
                .sameSite("Lax")
                .build());
    sim.users().signIn(null);
    browser.get(jobUrl);
    assertThat(browser.getCurrentUrl()).startsWith(sim.webUrl() + "/login/oauth/authorize?");
  }

  @Test
  void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
    sim.users().signIn("walt");
    browser.get(jobUrl);
    assertThat(browser.findElements(By.id("rerun"))).hasSize(1);
    String cookies =
        String.join(
            "; ",
            browser.manage().getCookies().stream()
                .map(c -> c.getName() + "=" + c.getValue())
                .toList());
    long rerequests = sim.count("checks/rerequest-run");
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(jobUrl + "/rerun"))
                    .header("Cookie", cookies)
                    .header("Origin", base)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(""))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(sim.count("checks/rerequest-run")).isEqualTo(rerequests);
  }

  private void shoot(String name) {
    if (browser == null) {
      return;
    }
    try {
      Path shot = Path.of("target", "screenshots", name + ".png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    } catch (Exception e) {
      System.err.println("no screenshot " + name + ": " + e);
    }
  }
}
