package dev.solstice.integration.github;

import static dev.solstice.integration.github.Futures.await;
import static dev.solstice.integration.github.Futures.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.TrustEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The static {@code GITHUB_TOKEN} (a personal access token) as GitHub treats it: check-run writes
 * refused, so the service reports through commit statuses while it is the only credential (issue
 * 17).
 */
@ExtendWith(VertxExtension.class)
class StaticTokenReportingTest {

  private static final String PAT = "ghp_static_fallback_token_0123456789";
  private static final long GONE = 77; // no such installation: the exchange answers 404
  private static final RepoRef REPO = new RepoRef("acme", "widgets");
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  private GitHubSimulator sim;
  private WebClientGitHubClient client;
  private CheckRunReporter reporter;

  @BeforeEach
  void start(Vertx vertx) {
    sim = await(GitHubSimulator.start(vertx));
    sim.acceptStaticToken(PAT);
    client =
        ClientFixture.builder(vertx, sim)
            .staticToken(PAT)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    reporter =
        new CheckRunReporter(
            client,
            CheckRunMap.inMemory(),
            new dev.solstice.integration.core.CheckNames("Solstice CI"),
            dev.solstice.integration.core.JobLinks.logs("https://ci.example/logs/"),
            sim.app().id(),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    assertThat(sim.schemaViolations()).as("bodies GitHub would reject").isEmpty();
    client.close();
    await(sim.close());
  }

  @Test
  void simulatorRefusesCheckRunWritesMadeWithAPersonalAccessToken() {
    CheckRunCreate create = CheckRunCreate.queued("Solstice CI / build", SHA, "x", null, null);
    Throwable e = awaitFailure(client.createCheckRun(GONE, REPO, create));
    assertThat(e).isInstanceOf(GitHubApiException.PermissionDenied.class);
    assertThat(e.getMessage()).contains(TrustEndpoints.APP_ONLY);
  }

  @Test
  void withOnlyThePersonalAccessTokenJobsAreReportedAsCommitStatusesOneContextPerJob() {
    JobRequest build = job("build");
    JobRequest test = job("test");
    await(reporter.queue(build));
    await(reporter.queue(test));
    await(reporter.report(JobResult.started(build, Instant.now())));
    await(
        reporter.report(
            JobResult.completed(
                build,
                Conclusion.FAILURE,
                Instant.now(),
                Instant.now(),
                "2 tests failed",
                "https://ci.example/logs/build.log",
                null,
                List.of())));
    await(reporter.complete(test, "skipped", "Skipped", "build failed"));

    assertThat(sim.count("checks/create")).as("no check-run write GitHub would refuse").isZero();
    List<JsonObject> statuses = sim.trust().statuses(REPO.owner() + "/" + REPO.name());
    assertThat(statuses)
        .extracting(s -> s.getString("context") + " " + s.getString("state"))
        .containsExactly(
            "Solstice CI / build pending",
            "Solstice CI / test pending",
            "Solstice CI / build pending",
            "Solstice CI / build failure",
            "Solstice CI / test success");
    assertThat(statuses.get(0).getString("target_url"))
        .isEqualTo("https://ci.example/logs/acme/widgets/build.log");
    assertThat(statuses.get(3).getString("target_url"))
        .isEqualTo("https://ci.example/logs/build.log");
    assertThat(statuses.get(3).getString("description")).contains("2 tests failed");
  }

  @Test
  void heldChecksWithOnlyThePersonalAccessTokenBecomeStatusesToo() {
    Plan.NotRun held =
        new Plan.NotRun(
            "neutral",
            "Held",
            "a fork",
            List.of(new Plan.Check(RequestIds.of("d1", "build"), "build")));
    await(reporter.notRun(GONE, "acme/widgets", SHA, held));
    assertThat(sim.count("checks/create")).isZero();
    assertThat(sim.trust().statuses("acme/widgets"))
        .singleElement()
        .satisfies(s -> assertThat(s.getString("context")).isEqualTo("Solstice CI / build"));
  }

  private static JobRequest job(String id) {
    return JobRequest.builder(
            RequestIds.of("d1", id), "https://github.com/acme/widgets.git", SHA, Instant.now())
        .workflow(".solstice/workflow.kdl", id)
        .repository("acme/widgets")
        .installationId(GONE)
        .event("push")
        .ref("refs/heads/main")
        .deliveryId("d1")
        .logPath("acme/widgets/" + id + ".log")
        .script(List.of("make"))
        .build();
  }
}
