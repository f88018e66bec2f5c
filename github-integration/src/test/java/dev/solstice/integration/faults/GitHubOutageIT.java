package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault test 3: GitHub answers 502 to everything for 4 s, then secondary rate limits for 3 s. The
 * webhook endpoint keeps answering 202 at once (it does not wait on GitHub); processing fails,
 * waits in the delay queues (500 ms, 1 s, then 2 s), and succeeds after GitHub recovers: every job
 * arrives once, one check run each, nothing parked, and the attempts stay few (no hot loop).
 */
class GitHubOutageIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubOutageIT.class);
  private static final Pattern FAILED = Pattern.compile("delivery failed \\(attempt (\\d+) of");

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @Test
  void jobsArriveAfterGitHubRecoversNoneLostNoHotLoop() throws Exception {
    try (GitHubStack s =
        GitHubStack.start(
            vertx,
            Map.of(
                "INTAKE_RETRY_DELAYS", "500ms,1s,2s",
                "INTAKE_MAX_ATTEMPTS", "12",
                "GITHUB_MAX_ATTEMPTS", "2",
                "GITHUB_MAX_RATE_LIMIT_WAIT", "2s"),
            LOGS)) {
      int n = 20;
      List<String> deliveries = new ArrayList<>();
      List<String> shas = new ArrayList<>();
      Set<UUID> expected = new HashSet<>();
      for (int i = 0; i < n; i++) {
        String sha = String.format("%040x", 0xabc000 + i);
        s.sim.putFile(GitHubStack.REPO, sha, SimulatorLauncher.WORKFLOW_PATH, GitHubStack.TWO_JOBS);
        shas.add(sha);
        String d = UUID.randomUUID().toString();
        deliveries.add(d);
        expected.add(RequestIds.of(d, "build"));
        expected.add(RequestIds.of(d, "test"));
      }
      int callsBefore = s.sim.calls().size();
      long start = System.nanoTime();
      s.sim.inject(Fault.status(502).times(1_000_000));
      // Every 202 comes while GitHub answers nothing but 502: the endpoint does not wait on GitHub
      // (had it waited, these posts would fail or hang). How long they took is logged, not
      // asserted: latency is the bench's business on a shared 2-core machine.
      long slowest = 0;
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        assertThat(
                s.service
                    .post("push", deliveries.get(i), GitHubStack.pushAt(shas.get(i)))
                    .statusCode())
            .isEqualTo(202);
        slowest = Math.max(slowest, (System.nanoTime() - t) / 1_000_000);
      }
      // Each phase lasts while nothing gets through: no JobRequest while GitHub answers 502 (4 s)
      // ...
      String jobs = s.service.config().jobs().queue();
      noJobRequestFor(s, jobs, Duration.ofSeconds(4));
      int after502 = s.sim.calls().size() - callsBefore;
      s.sim.clearFaults();
      s.sim.inject(Fault.secondaryRateLimit(Duration.ofSeconds(1)).times(1_000_000));
      // ... nor while it answers secondary rate limits (3 s).
      noJobRequestFor(s, jobs, Duration.ofSeconds(3));
      s.sim.clearFaults();
      double outageSeconds = (System.nanoTime() - start) / 1e9;
      int outageCalls = s.sim.calls().size() - callsBefore;

      JobTally tally =
          JobTally.settleAndDrain(
              s.service.broker(),
              s.service.config().jobs().queue(),
              FaultSupport.intakeQueues(s.service.config()),
              expected,
              Duration.ofSeconds(60));
      List<Integer> failedAttempts = new ArrayList<>();
      for (String line : LOGS.lines()) {
        Matcher m = FAILED.matcher(line);
        if (m.find()) {
          failedAttempts.add(Integer.parseInt(m.group(1)));
        }
      }
      int maxAttempt = failedAttempts.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
      long created =
          s.sim.calls(c -> c.operation().equals("checks/create") && c.status() == 201).size();
      List<JsonObject> runs = new ArrayList<>();
      shas.forEach(sha -> runs.addAll(s.runs(sha)));
      Set<String> externalIds = new HashSet<>();
      runs.forEach(r -> externalIds.add(r.getString("external_id")));
      LOG.info(
          "fault test 3 (GitHub 502 then secondary rate limits for {} s): deliveries={} slowest 202={} ms"
              + " | GitHub calls during the outage={} ({} during the 502s, {}/s) | failed processing attempts={}"
              + " (most attempts of one delivery={}) | check runs={} (created={}) | {}",
          String.format("%.1f", outageSeconds),
          n,
          slowest,
          outageCalls,
          after502,
          String.format("%.1f", outageCalls / outageSeconds),
          failedAttempts.size(),
          maxAttempt,
          runs.size(),
          created,
          tally);
      s.registerSecrets(LOGS);

      assertThat(tally.lost()).as(tally.toString()).isZero();
      assertThat(tally.unexpected()).isZero();
      assertThat(tally.duplicates()).as(tally.toString()).isZero();
      assertThat(tally.distinct()).isEqualTo(2 * n);
      assertThat(runs).hasSize(2 * n);
      assertThat(externalIds).hasSize(2 * n);
      assertThat(created).isEqualTo(2L * n);
      // No hot loop: at 500 ms, 1 s, 2 s, 2 s ... a delivery gets at most ~6 attempts in 7 s of
      // outage.
      assertThat(failedAttempts)
          .as("processing attempts failed during the outage")
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(n * 7);
      assertThat(maxAttempt).as("most attempts of one delivery").isLessThanOrEqualTo(8);
      assertThat(outageCalls)
          .as("GitHub calls during the outage")
          .isLessThanOrEqualTo(failedAttempts.size() * 2 * 3 + n * 6);
      assertThat(s.service.broker().count(s.service.config().intake().deadLetterQueue()))
          .as("parked")
          .isZero();
      assertThat(s.sim.schemaViolations()).isEmpty();
    }
  }

  /**
   * Waits {@code d} during which the jobs queue stays empty; fails if a JobRequest arrives and
   * stays.
   */
  private static void noJobRequestFor(GitHubStack s, String jobs, Duration d) {
    org.awaitility.Awaitility.await()
        .during(d)
        .atMost(d.plusSeconds(2))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> s.service.broker().count(jobs) == 0);
  }
}
