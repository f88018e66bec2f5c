package dev.solstice.integration.github;

import static dev.solstice.integration.github.Futures.await;
import static dev.solstice.integration.github.Futures.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.core.NotAFileException;
import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against the simulator, over real HTTP. */
@ExtendWith(VertxExtension.class)
class GitHubClientTest {
  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  static final long INST = 42;
  static final RepoRef A = new RepoRef("acme", "widgets");
  static final RepoRef B = new RepoRef("acme", "gadgets");
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  Vertx vertx;
  GitHubSimulator sim;
  SimpleMeterRegistry registry;
  MutableClock clock;
  List<WebClientGitHubClient> clients = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    clock = new MutableClock();
    sim = await(GitHubSimulator.start(vertx));
    sim.clock(clock); // GitHub and the client share the same (advanceable) time
    sim.installation(INST, "acme/widgets", "acme/gadgets");
    sim.putFile("acme/widgets", SHA, ".solstice/ci.kdl", "job \"build\" {}\n");
    sim.putFile("acme/gadgets", SHA, ".solstice/ci.kdl", "job \"test\" {}\n");
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    sim.secretsSeen().forEach(LOGS::secret);
    LOGS.pem(sim.app().pkcs1Pem());
    LOGS.secret("ghp_static_fallback_token_0123456789");
    assertThat(sim.schemaViolations()).as("bodies GitHub would reject").isEmpty();
    clients.forEach(WebClientGitHubClient::close);
    await(sim.close());
  }

  WebClientGitHubClient client() {
    return client(ClientFixture.builder(vertx, sim));
  }

  WebClientGitHubClient client(WebClientGitHubClient.Builder b) {
    WebClientGitHubClient c = b.clock(clock).meterRegistry(registry).build();
    clients.add(c);
    return c;
  }

  Optional<RepoFile> read(GitHubClient c) {
    return await(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
  }

  long calls(String operation) {
    return sim.count(operation);
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  // ---- authentication and tokens -----------------------------------------------------------

  @Test
  void appJwtIsAcceptedAndTokenIsMintedOnceThenReused() {
    WebClientGitHubClient c = client();
    await(c.verifyAppCredentials());
    assertThat(read(c)).get().extracting(RepoFile::text).isEqualTo("job \"build\" {}\n");
    assertThat(read(c)).isPresent();
    await(c.createCheckRun(INST, A, CheckRunCreate.queued("ci", SHA, "job-1", null, null)));

    assertThat(sim.mints()).isEqualTo(1);
    RecordedCall mint =
        sim.calls(x -> x.operation().equals("apps/create-installation-access-token")).get(0);
    assertThat(mint.credential()).isEqualTo("jwt");
    assertThat(mint.status()).isEqualTo(201);
    assertThat(sim.calls(x -> x.operation().equals("repos/get-content")))
        .allSatisfy(x -> assertThat(x.credential()).isEqualTo("installation"));
    assertThat(counter("github_token_mints_total")).isEqualTo(1);
    assertThat(counter("github_token_cache_hits_total")).isEqualTo(2);
  }

  @Test
  void productionFactoryFromTheEnvironment() {
    List<String> errors = new ArrayList<>();
    GitHubSettings settings =
        GitHubSettings.fromEnv(
            java.util.Map.of(
                "GITHUB_API_BASE", sim.baseUrl(),
                "GITHUB_APP_ID", Long.toString(sim.app().id()),
                "GITHUB_APP_KEY", sim.app().pkcs1Pem(),
                "GITHUB_REQUEST_TIMEOUT", "2s"),
            errors);
    assertThat(errors).isEmpty();
    WebClientGitHubClient c = WebClientGitHubClient.create(vertx, settings, registry);
    clients.add(c);
    await(c.verifyAppCredentials());
    assertThat(read(c)).isPresent();
    assertThat(registry.find("github_token_mints_total").counter().count()).isEqualTo(1);
  }

  @Test
  void tokenIsRefreshedOnlyWhenLessThanFiveMinutesRemain() {
    WebClientGitHubClient c = client();
    read(c);
    assertThat(sim.mints()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(54)); // 6 minutes left: still good
    read(c);
    assertThat(sim.mints()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1).plusSeconds(5)); // under 5 minutes left
    read(c);
    assertThat(sim.mints()).isEqualTo(2);
    read(c);
    assertThat(sim.mints()).isEqualTo(2);
  }

  @Test
  void concurrentRequestsShareOneMint() {
    WebClientGitHubClient c = client();
    sim.inject(Fault.latency(Duration.ofMillis(200)).on("POST", "/app/installations/.*"));
    List<Future<Optional<RepoFile>>> reads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      reads.add(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
    }
    reads.forEach(f -> assertThat(await(f)).isPresent());
    assertThat(sim.mints()).isEqualTo(1);
  }

  @Test
  void tokensAreScopedPerRepositoryAndPermission() {
    WebClientGitHubClient c = client();
    InstallationToken forA = await(c.tokens().token(INST, A, TokenScope.CHECKS));
    WebClient raw = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> onB =
          await(
              raw.getAbs(sim.baseUrl() + "/repos/acme/gadgets/contents/.solstice/ci.kdl?ref=" + SHA)
                  .putHeader("Authorization", "Bearer " + forA.token())
                  .send());
      assertThat(onB.statusCode()).isEqualTo(404);
      HttpResponse<Buffer> issueWithChecksToken =
          await(
              raw.postAbs(sim.baseUrl() + "/repos/acme/widgets/issues")
                  .putHeader("Authorization", "Bearer " + forA.token())
                  .sendJsonObject(new JsonObject().put("title", "x")));
      assertThat(issueWithChecksToken.statusCode()).isEqualTo(403);
      assertThat(issueWithChecksToken.bodyAsJsonObject().getString("message"))
          .isEqualTo("Resource not accessible by integration");
    } finally {
      raw.close();
    }
    // Through the client each repository and each scope get their own token.
    assertThat(await(c.getContent(INST, B, ".solstice/ci.kdl", SHA))).isPresent();
    IssueRef issue =
        await(c.createIssue(INST, A, new IssueCreate("CI broken", "details", List.of("ci"))));
    assertThat(issue.number()).isEqualTo(1);
    assertThat(sim.mints()).isEqualTo(3); // A/checks, B/checks, A/issues
    assertThat(
            sim.calls(x -> x.operation().equals("issues/create")).stream()
                .map(RecordedCall::status))
        .containsExactly(403, 201); // the raw call with the checks token, then the client's
  }

  @Test
  void revokedTokenIsReplacedOnce() {
    WebClientGitHubClient c = client();
    read(c);
    sim.resetTokens();
    assertThat(read(c)).isPresent();
    assertThat(sim.mints()).isEqualTo(2);
    assertThat(
            sim.calls(x -> x.operation().equals("repos/get-content")).stream()
                .map(RecordedCall::status))
        .containsExactly(200, 401, 304); // same content, revalidated with the new token
  }

  @Test
  void fallsBackToStaticTokenWhenTheInstallationIsGone() {
    sim.acceptStaticToken("ghp_static_fallback_token_0123456789");
    WebClientGitHubClient c =
        client(
            ClientFixture.builder(vertx, sim).staticToken("ghp_static_fallback_token_0123456789"));
    assertThat(await(c.getContent(77, A, ".solstice/ci.kdl", SHA))).isPresent();
    RecordedCall mint =
        sim.calls(x -> x.operation().equals("apps/create-installation-access-token")).get(0);
    assertThat(mint.status()).isEqualTo(404);
    assertThat(sim.calls(x -> x.operation().equals("repos/get-content")).get(0).credential())
        .isEqualTo("static");
  }

  @Test
  void withoutFallbackTheErrorNamesTheInstallationAndWhy() {
    WebClientGitHubClient c = client();
    Throwable e = awaitFailure(c.getContent(77, A, ".solstice/ci.kdl", SHA));
    assertThat(e).isInstanceOf(GitHubApiException.NotFound.class);
    assertThat(((GitHubApiException) e).installationId()).isEqualTo(77);
    assertThat(e.getMessage()).contains("installation 77").contains("app uninstalled");
    assertThat(calls("apps/create-installation-access-token")).isEqualTo(1); // 404 is not retried
  }

  @Test
  void wrongKeyIsRefusedAtStartUpCheck() {
    WebClientGitHubClient c =
        client(
            ClientFixture.builder(vertx, sim)
                .app(sim.app().id(), GitHubSimulator.newApp().privateKey()));
    Throwable e = awaitFailure(c.verifyAppCredentials());
    assertThat(e).isInstanceOf(GitHubApiException.Unauthorized.class);
    assertThat(e.getMessage()).contains("A JSON web token could not be decoded");
    Throwable mint = awaitFailure(c.getContent(INST, A, "x", SHA));
    assertThat(mint).isInstanceOf(GitHubApiException.Unauthorized.class);
    assertThat(mint.getMessage()).contains("GITHUB_APP_ID or GITHUB_APP_KEY");
  }

  @Test
  void wrongAppIdIsRefused() {
    WebClientGitHubClient c =
        client(ClientFixture.builder(vertx, sim).app(999, sim.app().privateKey()));
    Throwable e = awaitFailure(c.verifyAppCredentials());
    assertThat(e).isInstanceOf(GitHubApiException.Unauthorized.class);
    assertThat(e.getMessage()).contains("Integration not found");
  }

  // ---- error classes and retries -------------------------------------------------------------

  @Test
  void transientErrorsAreRetriedWithBackoff() {
    WebClientGitHubClient c = client();
    read(c); // token first, so faults hit the read
    sim.inject(Fault.status(502).times(2).on("GET", "/repos/.*"));
    assertThat(read(c)).isPresent();
    assertThat(
            sim.calls(x -> x.operation().equals("repos/get-content")).stream()
                .map(RecordedCall::status))
        .containsExactly(200, 502, 502, 304);
    assertThat(counter("github_retries_total", "reason", "transient")).isEqualTo(2);
  }

  @Test
  void transientErrorsGiveUpAfterMaxAttempts() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.status(503).times(10).on("GET", "/repos/.*"));
    Throwable e = awaitFailure(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
    assertThat(e).isInstanceOf(GitHubApiException.Transient.class);
    assertThat(((GitHubApiException) e).retryable()).isTrue();
    assertThat(((GitHubApiException) e).status()).isEqualTo(503);
    assertThat(calls("repos/get-content")).isEqualTo(1 + 4); // warm-up + maxAttempts
    assertThat(counter("github_retries_total", "reason", "transient")).isEqualTo(3);
  }

  @Test
  void serverErrorWaitsForRetryAfterInSeconds() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.status(503).retryAfter(Duration.ofSeconds(1)).on("GET", "/repos/.*"));
    Instant before = Instant.now();
    assertThat(read(c)).isPresent();
    assertThat(Duration.between(before, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(
            sim.calls(x -> x.operation().equals("repos/get-content")).stream()
                .map(RecordedCall::status))
        .containsExactly(200, 503, 304);
    assertThat(counter("github_retries_total", "reason", "retry_after")).isEqualTo(1);
  }

  @Test
  void serverErrorWaitsForRetryAfterAsAnHttpDate() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.status(503).retryAfterDate(Duration.ofSeconds(2)).on("GET", "/repos/.*"));
    Instant before = Instant.now();
    assertThat(read(c)).isPresent();
    // Whole seconds on both of GitHub's dates: at least 1 s of the 2 asked for is waited.
    assertThat(Duration.between(before, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(calls("repos/get-content")).isEqualTo(3);
    assertThat(counter("github_retries_total", "reason", "retry_after")).isEqualTo(1);
  }

  @Test
  void serverErrorWithRetryAfterBeyondTheMaximumWaitFails() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.status(503).retryAfterDate(Duration.ofHours(1)).on("GET", "/repos/.*"));
    Throwable e = awaitFailure(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
    assertThat(e).isInstanceOf(GitHubApiException.Transient.class);
    assertThat(((GitHubApiException.Transient) e).retryAt().orElseThrow())
        .isAfter(clock.instant().plus(Duration.ofMinutes(59)));
    assertThat(calls("repos/get-content")).as("not retried after 5xx backoff").isEqualTo(2);
  }

  @Test
  void timeoutsAndResetsAreTransient() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.timeout().on("GET", "/repos/.*"));
    assertThat(read(c)).isPresent();
    sim.inject(Fault.reset().on("GET", "/repos/.*"));
    assertThat(read(c)).isPresent();
    assertThat(
            sim.calls(x -> x.operation().equals("repos/get-content")).stream()
                .map(RecordedCall::fault))
        .containsExactly(null, Fault.Kind.TIMEOUT, null, Fault.Kind.RESET, null);
    assertThat(counter("github_retries_total", "reason", "transient")).isEqualTo(2);
    assertThat(
            counter(
                "github_requests_total",
                "route",
                "/repos/{owner}/{repo}/contents/{path}",
                "status_class",
                "error"))
        .isEqualTo(2);
  }

  @Test
  void primaryRateLimitWaitsUntilReset() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.primaryRateLimit(Duration.ofSeconds(1)).on("GET", "/repos/.*"));
    Instant before = Instant.now();
    assertThat(read(c)).isPresent();
    assertThat(Duration.between(before, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(calls("repos/get-content")).isEqualTo(3);
    assertThat(counter("github_retries_total", "reason", "primary_rate_limit")).isEqualTo(1);
  }

  @Test
  void primaryRateLimitBeyondTheMaximumWaitFailsAndBlocksFurtherCalls() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.primaryRateLimit(Duration.ofHours(1)).on("GET", "/repos/.*"));
    Throwable e = awaitFailure(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
    assertThat(e).isInstanceOf(GitHubApiException.RateLimited.Primary.class);
    Instant retryAt = ((GitHubApiException.RateLimited) e).retryAt().orElseThrow();
    assertThat(retryAt)
        .isBetween(
            clock.instant().plus(Duration.ofMinutes(59)),
            clock.instant().plus(Duration.ofMinutes(61)));
    assertThat(calls("repos/get-content")).isEqualTo(2);
    // The quota is known to be empty: the next call fails without reaching GitHub.
    Throwable again = awaitFailure(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
    assertThat(again).isInstanceOf(GitHubApiException.RateLimited.Primary.class);
    assertThat(calls("repos/get-content")).isEqualTo(2);
    assertThat(counter("github_retries_total", "reason", "primary_rate_limit")).isZero();
  }

  @Test
  void secondaryRateLimitWaitsForRetryAfter() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.secondaryRateLimit(Duration.ofSeconds(1)).on("POST", "/repos/.*"));
    Instant before = Instant.now();
    CheckRun run =
        await(
            c.createCheckRun(
                INST, A, new CheckRunCreate("ci", SHA, null, null, null, null, null, null, null)));
    assertThat(Duration.between(before, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(run.status()).isEqualTo("queued");
    assertThat(
            sim.calls(x -> x.operation().equals("checks/create")).stream()
                .map(RecordedCall::status))
        .containsExactly(403, 201);
    assertThat(counter("github_retries_total", "reason", "secondary_rate_limit")).isEqualTo(1);
  }

  @Test
  void secondaryRateLimitWithoutRetryAfterBeyondMaximumFails() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.secondaryRateLimitMessageOnly().on("POST", "/repos/.*"));
    Throwable e =
        awaitFailure(
            c.createCheckRun(
                INST, A, new CheckRunCreate("ci", SHA, null, null, null, null, null, null, null)));
    assertThat(e).isInstanceOf(GitHubApiException.RateLimited.Secondary.class);
    assertThat(((GitHubApiException.RateLimited) e).retryAt()).isEmpty();
    assertThat(calls("checks/create")).isEqualTo(1);
  }

  @Test
  void aLostCreateIsFoundByExternalIdInsteadOfDuplicated() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.lostResponse().on("POST", "/repos/.*/check-runs"));
    CheckRun run =
        await(c.createCheckRun(INST, A, CheckRunCreate.queued("ci", SHA, "job-9", null, null)));
    assertThat(run.externalId()).isEqualTo("job-9");
    assertThat(sim.checkRuns("acme/widgets")).hasSize(1);
    assertThat(calls("checks/create")).isEqualTo(1);
    assertThat(calls("checks/list-for-ref")).isEqualTo(1);

    // not applied (no answer, nothing stored): looked for, not found, sent again
    sim.inject(Fault.reset().on("POST", "/repos/.*/check-runs"));
    await(c.createCheckRun(INST, A, CheckRunCreate.queued("ci", SHA, "job-10", null, null)));
    assertThat(sim.checkRuns("acme/widgets")).hasSize(2);
    assertThat(calls("checks/create")).isEqualTo(3);
    assertThat(calls("checks/list-for-ref")).isEqualTo(2);
  }

  @Test
  void permissionDeniedIsNotRetried() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.status(403).on("POST", "/repos/.*"));
    Throwable e =
        awaitFailure(
            c.createCheckRun(
                INST, A, new CheckRunCreate("ci", SHA, null, null, null, null, null, null, null)));
    assertThat(e).isInstanceOf(GitHubApiException.PermissionDenied.class);
    assertThat(((GitHubApiException) e).retryable()).isFalse();
    assertThat(calls("checks/create")).isEqualTo(1);
  }

  @Test
  void installationWithoutThePermissionCannotMint() {
    sim.installation(43, java.util.Map.of("contents", "read", "metadata", "read"), "acme/widgets");
    WebClientGitHubClient c = client();
    Throwable e = awaitFailure(c.getContent(43, A, ".solstice/ci.kdl", SHA));
    assertThat(e).isInstanceOf(GitHubApiException.ValidationFailed.class);
    assertThat(e.getMessage()).contains("installation 43").contains("not granted");
    assertThat(calls("apps/create-installation-access-token")).isEqualTo(1);
  }

  @Test
  void notFoundAndValidationAreNotRetried() {
    WebClientGitHubClient c = client();
    assertThat(await(c.getContent(INST, A, "missing.kdl", SHA))).isEmpty();
    assertThat(await(c.getContent(INST, A, ".solstice/ci.kdl", "no-such-sha"))).isEmpty();
    assertThat(calls("repos/get-content")).isEqualTo(2);

    Throwable nf =
        awaitFailure(c.updateCheckRun(INST, A, 999_999, CheckRunUpdate.inProgress(Instant.now())));
    assertThat(nf).isInstanceOf(GitHubApiException.NotFound.class);
    assertThat(calls("checks/update")).isEqualTo(1);

    CheckRun run =
        await(
            c.createCheckRun(
                INST, A, new CheckRunCreate("ci", SHA, null, null, null, null, null, null, null)));
    Throwable invalid =
        awaitFailure(
            c.updateCheckRun(
                INST, A, run.id(), new CheckRunUpdate("completed", null, null, null, null)));
    assertThat(invalid).isInstanceOf(GitHubApiException.ValidationFailed.class);
    assertThat(((GitHubApiException) invalid).retryable()).isFalse();
    assertThat(calls("checks/update")).isEqualTo(2);
    // GitHub's schema says completed needs a conclusion: the simulator caught it, on purpose here
    assertThat(sim.schemaViolations()).singleElement().asString().contains("conclusion");
    sim.clearSchemaViolations();
  }

  // ---- conditional requests and rate-limit tracking ------------------------------------------

  @Test
  void notModifiedIsServedFromCacheWithoutRateLimitCost() {
    WebClientGitHubClient c = client();
    RepoFile first = read(c).orElseThrow();
    long remaining = sim.rateLimitRemaining(INST);
    RepoFile second = read(c).orElseThrow();
    assertThat(second.content()).isEqualTo(first.content());
    assertThat(second.etag()).isEqualTo(first.etag()).isNotNull();
    assertThat(sim.rateLimitRemaining(INST)).isEqualTo(remaining);
    assertThat(
            sim.calls(x -> x.operation().equals("repos/get-content")).stream()
                .map(RecordedCall::status))
        .containsExactly(200, 304);
    assertThat(c.metrics().lastRateLimitRemaining(Long.toString(INST))).isEqualTo(remaining);
    assertThat(
            registry.find("github_ratelimit_remaining").tag("installation", "42").gauge().value())
        .isEqualTo(remaining);
    // A changed file is fetched again.
    sim.putFile("acme/widgets", SHA, ".solstice/ci.kdl", "job \"changed\" {}\n");
    assertThat(read(c).orElseThrow().text()).contains("changed");
    assertThat(sim.rateLimitRemaining(INST)).isEqualTo(remaining - 1);
  }

  // ---- operations ----------------------------------------------------------------------------

  @Test
  void contentsHandlesLargeFilesAndRefusesNonFiles() {
    byte[] big = new byte[1_500_000];
    Arrays.fill(big, (byte) 'x');
    sim.putFile("acme/widgets", SHA, "big/blob.bin", big);
    sim.putFile("acme/widgets", SHA, "dir with space/a.kdl", "a");
    sim.putSymlink("acme/widgets", SHA, "link.kdl", ".solstice/ci.kdl");
    sim.putSymlink("acme/widgets", SHA, "dangling.kdl", "nowhere/x.kdl");
    sim.putFile("acme/widgets", SHA, "data.json", "{\"type\":\"dir\",\"path\":\"data.json\"}");
    sim.putSubmodule("acme/widgets", SHA, "vendor/lib", "https://github.com/acme/lib.git");
    WebClientGitHubClient c = client();

    assertThat(await(c.getContent(INST, A, "big/blob.bin", SHA)).orElseThrow().content())
        .isEqualTo(big);
    assertThat(await(c.getContent(INST, A, "dir with space/a.kdl", SHA)).orElseThrow().text())
        .isEqualTo("a");
    assertThat(awaitFailure(c.getContent(INST, A, ".solstice", SHA)))
        .isInstanceOfSatisfying(
            NotAFileException.class,
            e -> assertThat(e.kind()).isEqualTo(NotAFileException.Kind.DIRECTORY))
        .hasMessageContaining("is a directory");
    // a symlink to a file reads as the file, like GitHub does
    assertThat(await(c.getContent(INST, A, "link.kdl", SHA)).orElseThrow().text())
        .isEqualTo("job \"build\" {}\n");
    // a JSON file that looks like metadata is still a file
    assertThat(await(c.getContent(INST, A, "data.json", SHA)).orElseThrow().text())
        .startsWith("{\"type\":\"dir\"");
    assertThat(awaitFailure(c.getContent(INST, A, "dangling.kdl", SHA)))
        .isInstanceOfSatisfying(
            NotAFileException.class,
            e -> assertThat(e.kind()).isEqualTo(NotAFileException.Kind.SYMLINK))
        .hasMessageContaining("symlink");
    assertThat(awaitFailure(c.getContent(INST, A, "vendor/lib", SHA)))
        .isInstanceOfSatisfying(
            NotAFileException.class,
            e -> assertThat(e.kind()).isEqualTo(NotAFileException.Kind.SUBMODULE))
        .hasMessageContaining("submodule");
  }

  @Test
  void checkRunLifecycleWithManyAnnotations() {
    WebClientGitHubClient c = client();
    CheckRun run =
        await(
            c.createCheckRun(
                INST,
                A,
                CheckRunCreate.queued(
                    "solstice/build", SHA, "job-7", "https://ci.example/jobs/7", null)));
    assertThat(run.name()).isEqualTo("solstice/build");
    assertThat(run.externalId()).isEqualTo("job-7");
    await(c.updateCheckRun(INST, A, run.id(), CheckRunUpdate.inProgress(Instant.now())));

    List<Annotation> annotations =
        IntStream.rangeClosed(1, 120)
            .mapToObj(i -> Annotation.of("src/Main.java", i, "warning", "warning " + i))
            .toList();
    CheckRun done =
        await(
            c.updateCheckRun(
                INST,
                A,
                run.id(),
                CheckRunUpdate.completed(
                    "failure",
                    Instant.now(),
                    new CheckRunOutput("Build failed", "120 warnings", "details", annotations))));
    assertThat(done.status()).isEqualTo("completed");
    assertThat(done.conclusion()).isEqualTo("failure");
    assertThat(calls("checks/update")).isEqualTo(1 + 3);
    assertThat(sim.annotations(run.id())).hasSize(120);
    // "completed" only arrives with the last chunk
    List<RecordedCall> patches = sim.calls(x -> x.operation().equals("checks/update"));
    assertThat(patches).allSatisfy(p -> assertThat(p.status()).isEqualTo(200));
    JsonObject stored = sim.checkRuns("acme/widgets").get(0);
    assertThat(stored.getJsonObject("output").getInteger("annotations_count")).isEqualTo(120);
    assertThat(stored.getString("completed_at")).isNotNull();
  }

  @Test
  void createWithMoreThanFiftyAnnotationsAppendsTheRest() {
    WebClientGitHubClient c = client();
    List<Annotation> annotations =
        IntStream.rangeClosed(1, 75)
            .mapToObj(i -> Annotation.of("a.kdl", i, "notice", "n" + i))
            .toList();
    CheckRun run =
        await(
            c.createCheckRun(
                INST,
                A,
                new CheckRunCreate(
                    "lint",
                    SHA,
                    "in_progress",
                    null,
                    null,
                    Instant.now(),
                    new CheckRunOutput("Lint", "75 notices", null, annotations),
                    null,
                    null)));
    assertThat(calls("checks/create")).isEqualTo(1);
    assertThat(calls("checks/update")).isEqualTo(1);
    assertThat(sim.annotations(run.id())).hasSize(75);
  }

  @Test
  void completedRunInOneRequestAndIncompleteOneRefused() {
    WebClientGitHubClient c = client();
    CheckRun done =
        await(
            c.createCheckRun(
                INST,
                A,
                CheckRunCreate.completed(
                    "workflow",
                    SHA,
                    "failure",
                    "req-1",
                    null,
                    Instant.now(),
                    Instant.now(),
                    CheckRunOutput.of("Invalid workflow file", "line 3: unknown node"))));
    assertThat(done.status()).isEqualTo("completed");
    assertThat(done.conclusion()).isEqualTo("failure");
    assertThat(calls("checks/create")).isEqualTo(1);
    // "completed" without a conclusion is what GitHub refuses
    Throwable e =
        awaitFailure(
            c.createCheckRun(
                INST,
                A,
                new CheckRunCreate("x", SHA, "completed", null, null, null, null, null, null)));
    assertThat(e).isInstanceOf(GitHubApiException.ValidationFailed.class);
  }

  @Test
  void listCheckRunsFiltersAndPages() {
    WebClientGitHubClient c = client();
    for (int i = 0; i < 101; i++) {
      await(
          c.createCheckRun(
              INST,
              A,
              new CheckRunCreate("run-" + i, SHA, null, null, null, null, null, null, null)));
    }
    await(
        c.createCheckRun(
            INST, A, new CheckRunCreate("run-0", SHA, null, null, null, null, null, null, null)));
    await(
        c.createCheckRun(
            INST,
            A,
            new CheckRunCreate(
                "other-sha", "f".repeat(40), null, null, null, null, null, null, null)));

    List<CheckRun> all =
        await(c.listCheckRuns(INST, A, SHA, new CheckRunQuery(null, "all", sim.app().id())));
    assertThat(all).hasSize(102);
    assertThat(calls("checks/list-for-ref")).isEqualTo(2); // two pages, Link header followed
    List<CheckRun> latest =
        await(c.listCheckRuns(INST, A, SHA, new CheckRunQuery("run-0", "latest", null)));
    assertThat(latest).hasSize(1);
    assertThat(latest.get(0).id()).isEqualTo(all.get(0).id());
  }

  @Test
  void issuesAndComments() {
    WebClientGitHubClient c = client();
    IssueRef issue =
        await(c.createIssue(INST, A, new IssueCreate("Nightly failed", "see logs", List.of())));
    IssueRef comment = await(c.createComment(INST, A, issue.number(), "Still failing"));
    assertThat(comment.htmlUrl()).contains("/issues/" + issue.number() + "#issuecomment-");
    assertThat(sim.comments("acme/widgets"))
        .singleElement()
        .satisfies(x -> assertThat(x.getString("body")).isEqualTo("Still failing"));
  }

  @Test
  void writesOutsideTheAllowlistAreRefusedLocally() {
    WebClientGitHubClient c =
        client(
            ClientFixture.builder(vertx, sim)
                .allowedWrites(Set.of(WriteOperations.CREATE_CHECK_RUN)));
    Throwable e = awaitFailure(c.createIssue(INST, A, new IssueCreate("x", null, null)));
    assertThat(e)
        .isInstanceOf(WriteOperations.WriteNotAllowedException.class)
        .hasMessageContaining("issues/create");
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void writesAreSerialisedAndPacedPerInstallation() {
    WebClientGitHubClient c =
        client(
            ClientFixture.builder(vertx, sim)
                .pacing(new PacingPolicy(1000, 1000, Duration.ofMillis(100), 8)));
    sim.inject(Fault.latency(Duration.ofMillis(30)).times(5).on("POST", "/repos/.*"));
    List<Future<CheckRun>> runs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      runs.add(
          c.createCheckRun(
              INST, A, new CheckRunCreate("p" + i, SHA, null, null, null, null, null, null, null)));
    }
    runs.forEach(Futures::await);
    assertThat(sim.maxConcurrentWrites(INST)).isEqualTo(1);
    List<Instant> at =
        sim.calls(x -> x.operation().equals("checks/create")).stream()
            .map(RecordedCall::at)
            .toList();
    for (int i = 1; i < at.size(); i++) {
      assertThat(Duration.between(at.get(i - 1), at.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
    // in submission order
    assertThat(sim.checkRuns("acme/widgets").stream().map(x -> x.getString("name")))
        .containsExactly("p0", "p1", "p2", "p3", "p4");
  }

  @Test
  void readsRunConcurrently() {
    WebClientGitHubClient c = client();
    read(c);
    sim.inject(Fault.latency(Duration.ofMillis(300)).times(4).on("GET", "/repos/.*"));
    Instant before = Instant.now();
    List<Future<Optional<RepoFile>>> reads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      reads.add(c.getContent(INST, A, ".solstice/ci.kdl", SHA));
    }
    reads.forEach(Futures::await);
    // serial would take 1.2 s
    assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofMillis(1000));
  }

  @Test
  void hookDeliveriesPageWithCursorAndRedeliver() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      ids.add(sim.addHookDelivery("push", null, i % 10 == 0 ? 502 : 200));
    }
    WebClientGitHubClient c = client();
    HookDeliveryPage first = await(c.listHookDeliveries(null));
    assertThat(first.deliveries()).hasSize(100);
    assertThat(first.deliveries().get(0).id()).isEqualTo(ids.get(149));
    assertThat(first.nextCursor()).isPresent();
    HookDeliveryPage second = await(c.listHookDeliveries(first.nextCursor().get()));
    assertThat(second.deliveries()).hasSize(50);
    assertThat(second.nextCursor()).isEmpty();
    assertThat(second.deliveries().get(49).id()).isEqualTo(ids.get(0));

    await(c.redeliver(ids.get(0)));
    assertThat(sim.redelivered()).containsExactly(ids.get(0));
    assertThat(awaitFailure(c.redeliver(1))).isInstanceOf(GitHubApiException.NotFound.class);
    assertThat(sim.calls()).allSatisfy(x -> assertThat(x.credential()).isEqualTo("jwt"));
  }

  @Test
  void worksAgainstEnterpriseServerBelowApiV3() {
    {
      GitHubSimulator ghes =
          await(GitHubSimulator.start(vertx, GitHubSimulator.newApp(), "/api/v3"));
      try {
        ghes.installation(INST, "acme/widgets");
        ghes.putFile("acme/widgets", SHA, "ci.kdl", "x");
        assertThat(ghes.baseUrl()).endsWith("/api/v3");
        WebClientGitHubClient c = client(ClientFixture.builder(vertx, ghes));
        assertThat(await(c.getContent(INST, A, "ci.kdl", SHA)).orElseThrow().text()).isEqualTo("x");
        assertThat(ghes.mints()).isEqualTo(1);
        ghes.secretsSeen().forEach(LOGS::secret);
      } finally {
        await(ghes.close());
      }
    }
  }
}
