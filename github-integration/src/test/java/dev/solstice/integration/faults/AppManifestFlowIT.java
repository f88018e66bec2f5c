package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, first-run setup end to end against the simulator: {@code GET /github/app/new} serves a
 * form that posts the completed manifest to GitHub; GitHub (the simulator) sends the browser back
 * to {@code /github/app/callback} with a code, which the service converts and writes as owner-only
 * files, never logging a secret; a service started from those files is accepted by GitHub. The
 * App's Setup URL page says what was installed where.
 */
class AppManifestFlowIT {

  private static final Pattern FORM_ACTION = Pattern.compile("<form action=\"([^\"]+)\"");
  private static final Pattern MANIFEST = Pattern.compile("name=\"manifest\" value=\"([^\"]+)\"");

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private static Vertx vertx;
  private final HttpClient browser =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    LOGS.secret(ServiceHarness.SECRET);
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @Test
  void createsTheAppFromItsManifestAndWritesItsCredentialsOwnerOnly(@TempDir Path out)
      throws Exception {
    GitHubSimulator sim = SimulatorLauncher.on(vertx).start();
    try (ServiceHarness h =
        ServiceHarness.start(
            vertx,
            ServiceHarness.isolatedEnv(
                Map.of(
                    "GITHUB_API_BASE", sim.baseUrl(),
                    "GITHUB_WEB_URL", sim.webUrl(),
                    "SETUP_OUTPUT_DIR", out.toString())))) {
      String base = "http://127.0.0.1:" + h.service().httpPort();

      HttpResponse<String> page = get(base + "/github/app/new");
      assertThat(page.statusCode()).isEqualTo(200);
      String action = unescape(first(FORM_ACTION, page.body()));
      JsonObject manifest = new JsonObject(unescape(first(MANIFEST, page.body())));
      assertThat(action).startsWith(sim.webUrl() + "/settings/apps/new?state=");
      assertThat(manifest.getString("redirect_url")).isEqualTo(base + "/github/app/callback");
      assertThat(manifest.getJsonObject("hook_attributes").getString("url"))
          .isEqualTo(base + h.config().webhookPath());

      // The browser posts the form to GitHub, which sends it back with a code.
      HttpResponse<String> created =
          browser.send(
              HttpRequest.newBuilder(URI.create(action))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "manifest="
                              + URLEncoder.encode(manifest.encode(), StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(302);
      String callback = created.headers().firstValue("location").orElseThrow();
      assertThat(callback).startsWith(base + "/github/app/callback?code=");

      HttpResponse<String> done = get(callback);
      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
      assertThat(done.body()).contains("GitHub App created").contains("GITHUB_APP_ID=");

      Path dir;
      try (Stream<Path> dirs = Files.list(out)) {
        dir = dirs.filter(p -> p.getFileName().toString().startsWith("app-")).findFirst().get();
      }
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.toList();
      }
      assertThat(files)
          .extracting(p -> p.getFileName().toString())
          .contains("private-key.pem", "webhook-secret", "client-id", "client-secret", "app-id");
      for (Path f : files) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f.toString())
            .isEqualTo("rw-------");
        if (!f.getFileName().toString().equals("app-id")
            && !f.getFileName().toString().equals("github-app.env")) {
          String secret = Files.readString(f);
          if (secret.contains("BEGIN")) {
            LOGS.pem(secret);
          } else {
            LOGS.secret(secret);
          }
        }
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      assertThat(get(callback).statusCode()).as("a state works once").isEqualTo(400);

      // A service started from the written files is accepted by GitHub.
      String appId = Files.readString(dir.resolve("app-id"));
      try (ServiceHarness configured =
          ServiceHarness.start(
              vertx,
              ServiceHarness.isolatedEnv(
                  Map.of(
                      "GITHUB_API_BASE", sim.baseUrl(),
                      "GITHUB_APP_ID", appId,
                      "GITHUB_APP_KEY_PATH", dir.resolve("private-key.pem").toString())))) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> configured.get("/health/ready").statusCode() == 200);
        assertThat(sim.count("apps/get-authenticated")).isPositive();
        assertThat(
                get("http://127.0.0.1:" + configured.service().httpPort() + "/github/app/new")
                    .statusCode())
            .as("not served once an App is configured, unless SETUP_ENABLED=true")
            .isEqualTo(404);
      }
      sim.secretsSeen().forEach(LOGS::secret);
    } finally {
      SimulatorLauncher.stop(sim);
    }
  }

  @Test
  void theSetupUrlPageSaysWhatWasInstalledWhere() throws Exception {
    try (GitHubStack s = GitHubStack.start(vertx, Map.of(), LOGS)) {
      String base = "http://127.0.0.1:" + s.service.service().httpPort();
      HttpResponse<String> page =
          get(
              base
                  + "/github/setup?installation_id="
                  + GitHubStack.INSTALLATION
                  + "&setup_action=install");
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      assertThat(page.body().toLowerCase(java.util.Locale.ROOT))
          .contains(GitHubStack.REPO.toLowerCase(java.util.Locale.ROOT));
      assertThat(get(base + "/github/setup?installation_id=987654").statusCode()).isEqualTo(404);
      assertThat(get(base + "/github/setup?installation_id=x").statusCode()).isEqualTo(400);
      s.registerSecrets(LOGS);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String first(Pattern p, String html) {
    Matcher m = p.matcher(html);
    assertThat(m.find()).as(p + " in " + html).isTrue();
    return m.group(1);
  }

  /** Undoes the OWASP encoder's attribute escaping (what a browser does when it submits). */
  private static String unescape(String attribute) {
    return attribute
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
