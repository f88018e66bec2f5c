package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.HeadlessChromium;
import dev.solstice.integration.testing.TestDatabase;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.SimulatorLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Issue 16, the operator console in Debian's Chromium (headless, through chromedriver) against the
 * service with PostgreSQL, RabbitMQ and the GitHub simulator: an admin signs in through the
 * simulator's OAuth flow, sees the deliveries, replays a delivery parked in the intake DLQ and sees
 * it processed; a signed-in user who is not an admin gets the 404 page. Screenshots go to
 * target/screenshots/ (console-*.png; docs/images/ has copies), and console-failure.png when a step
 * fails. Skipped where {@code /usr/bin/chromium} is absent ({@code scripts/test.sh} installs it).
 */
class ConsoleBrowserIT extends VertxPerClass {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Path SHOTS = Path.of("target", "screenshots");

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @Test
  void anAdminReplaysAParkedDeliveryAndSeesItProcessedAndANonAdminGets404() throws Exception {
    HeadlessChromium.assumeInstalled();
    Files.createDirectories(SHOTS);
    LOGS.secret(CLIENT_SECRET);
    LOGS.secret(SESSION_SECRET);
    // PUBLIC_URL (the OAuth callback) must name the port before the service starts.
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (TestDatabase db = TestDatabase.create();
        GitHubStack s = GitHubStack.start(vertx, sim -> env(db, sim, port), LOGS)) {
      await().atMost(WITHIN).until(db::migrated);
      String served = push(s, "c1");
      awaitOutcome(db, served, "published");
      String parked = UUID.randomUUID().toString();
      park(s, parked);

      HeadlessChromium adminBrowser = HeadlessChromium.start("--window-size=1200,900");
      WebDriver admin = adminBrowser.driver();
      try {
        String base = "http://127.0.0.1:" + s.service.service().httpPort();
        signIn(s, admin, base, "octo-admin");
        admin.get(base + "/console");
        assertThat(admin.findElement(By.tagName("h1")).getText()).isEqualTo("Deliveries");
        assertThat(admin.findElement(By.cssSelector("table")).getText())
            .contains(served, "push", "published");
        shot(admin, "console-deliveries.png");

        admin.findElement(By.linkText("Parked messages")).click();
        assertThat(admin.findElement(By.tagName("main")).getText())
            .contains(parked, "GitHub answered 502");
        shot(admin, "console-parked.png");
        admin.findElement(By.cssSelector("button[aria-label='Replay " + parked + "']")).click();
        assertThat(admin.findElement(By.cssSelector("p.status")).getText())
            .contains("Replayed " + parked);

        awaitOutcome(db, parked, "published");
        admin.get(base + "/console/deliveries/" + parked);
        assertThat(admin.findElement(By.tagName("main")).getText())
            .contains("X-GitHub-Delivery", parked, "published", "Jobs of this delivery");
        shot(admin, "console-delivery.png");
        admin.get(base + "/console/installations");
        assertThat(admin.findElement(By.tagName("main")).getText())
            .containsIgnoringCase(GitHubStack.REPO);
        admin.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        admin.get(base + "/console/queues");
        assertThat(admin.findElement(By.tagName("main")).getText())
            .contains(s.service.config().intake().queue());
        shot(admin, "console-queues-phone.png");

        // The admin's own session, but a form without its CSRF token: refused, nothing dropped.
        String session =
            admin
                .manage()
                .getCookieNamed(dev.solstice.integration.web.WebAuth.SESSION_COOKIE)
                .getValue();
        String other = UUID.randomUUID().toString();
        park(s, other);
        var forged =
            io.vertx.ext.web.client.WebClient.create(vertx)
                .post(s.service.service().httpPort(), "127.0.0.1", "/console/dlq/intake/drop")
                .putHeader(
                    "Cookie", dev.solstice.integration.web.WebAuth.SESSION_COOKIE + "=" + session)
                .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("id", other))
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(s.service.broker().count(s.service.config().intake().deadLetterQueue()))
            .isEqualTo(1);
      } catch (AssertionError | RuntimeException e) {
        shot(admin, "console-failure.png");
        throw e;
      } finally {
        adminBrowser.close();
      }

      HeadlessChromium strangerBrowser = HeadlessChromium.start("--window-size=1200,900");
      WebDriver stranger = strangerBrowser.driver();
      try {
        String base = "http://127.0.0.1:" + s.service.service().httpPort();
        signIn(s, stranger, base, "octo-dev");
        assertThat(stranger.getPageSource()).doesNotContain("Deliveries").doesNotContain(served);
        stranger.get(base + "/console/dlq");
        assertThat(stranger.findElement(By.tagName("body")).getText())
            .contains("not an administrator")
            .doesNotContain(parked);
        assertThat(stranger.getPageSource()).doesNotContain("Replay");
        shot(stranger, "console-not-admin.png");
      } catch (AssertionError | RuntimeException e) {
        shot(stranger, "console-failure.png");
        throw e;
      } finally {
        strangerBrowser.close();
      }
      s.registerSecrets(LOGS);
    }
  }

  private static final String CLIENT_ID =
      "Iv1.console" + UUID.randomUUID().toString().substring(0, 8);
  private static final String CLIENT_SECRET = "console-client-secret-" + UUID.randomUUID();
  private static final String SESSION_SECRET = "console-session-secret-" + UUID.randomUUID();

  private static Map<String, String> env(TestDatabase db, GitHubSimulator sim, int port) {
    sim.users().client(CLIENT_ID, CLIENT_SECRET, (String) null).user("octo-admin").user("octo-dev");
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_ADDR", "127.0.0.1:" + port);
    env.put("PUBLIC_URL", "http://127.0.0.1:" + port);
    env.put("GITHUB_WEB_URL", sim.webUrl());
    env.put("GITHUB_CLIENT_ID", CLIENT_ID);
    env.put("GITHUB_CLIENT_SECRET", CLIENT_SECRET);
    env.put("SESSION_SECRET", SESSION_SECRET);
    env.put("CONSOLE_ADMINS", "octo-admin");
    env.put("DATABASE_URL", db.url());
    return env;
  }

  /**
   * Signs in through the simulator's OAuth web flow as {@code login}: the console sends the
   * anonymous browser to /login, that to the simulator's authorize page, which (the user being
   * signed in to the simulated github.com and the App authorized) redirects to the callback, which
   * starts the session and returns to the console.
   */
  private static void signIn(GitHubStack s, WebDriver browser, String base, String login) {
    s.sim.users().signIn(login);
    browser.get(base + "/console");
    await().atMost(WITHIN).until(() -> browser.getCurrentUrl().startsWith(base + "/console"));
    assertThat(browser.manage().getCookieNamed(dev.solstice.integration.web.WebAuth.SESSION_COOKIE))
        .isNotNull();
  }

  /** Pushes a commit whose workflow has two jobs; the delivery id. */
  private static String push(GitHubStack s, String tag) throws Exception {
    String sha = String.format("%040x", Long.parseLong(tag, 16) + 0xc0de0000L);
    s.sim.putFile(GitHubStack.REPO, sha, SimulatorLauncher.WORKFLOW_PATH, GitHubStack.TWO_JOBS);
    String delivery = UUID.randomUUID().toString();
    assertThat(s.service.post("push", delivery, GitHubStack.pushAt(sha)).statusCode())
        .isEqualTo(202);
    return delivery;
  }

  /** A push delivery parked in the intake DLQ, as the intake parks one after its last attempt. */
  private static void park(GitHubStack s, String deliveryId) throws Exception {
    String sha = String.format("%040x", 0xdead0000L + 7);
    s.sim.putFile(GitHubStack.REPO, sha, SimulatorLauncher.WORKFLOW_PATH, GitHubStack.TWO_JOBS);
    Map<String, Object> headers = new HashMap<>();
    headers.put(MessageProperties.DELIVERY_ID_HEADER, deliveryId);
    headers.put("x-github-event", "push");
    headers.put("x-solstice-received-at", Instant.now().toString());
    headers.put(MessageProperties.ATTEMPTS_HEADER, 3);
    headers.put(MessageProperties.PARK_REASON_HEADER, "Transient: GitHub answered 502");
    var config = s.service.config();
    s.service
        .broker()
        .channel()
        .basicPublish(
            config.intake().deadLetterExchange(),
            config.intake().routingKey(),
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(deliveryId)
                .type("webhook.push")
                .headers(headers)
                .build(),
            GitHubStack.pushAt(sha));
    await()
        .atMost(WITHIN)
        .until(() -> s.service.broker().count(config.intake().deadLetterQueue()) >= 1);
  }

  private static void awaitOutcome(TestDatabase db, String delivery, String outcome) {
    await()
        .atMost(WITHIN)
        .until(
            () -> {
              Map<String, Object> row =
                  db.row("SELECT outcome FROM deliveries WHERE delivery_id = ?", delivery);
              return row != null && outcome.equals(row.get("outcome"));
            });
  }

  private static void shot(WebDriver browser, String name) {
    try {
      Files.write(
          SHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    } catch (Exception e) {
      // a screenshot is a by-product; the assertion that failed matters more
    }
  }
}
