package dev.solstice.bench;

import dev.solstice.simulator.github.RecordedCall;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub API calls per push and per job, counted by the simulator: one delivery at a time to an
 * installation nothing else uses, so every call in the log slice is that delivery's.
 */
final class ApiEconomy {
  private ApiEconomy() {}

  /** First push, the same commit again, and a new commit with the same workflow file. */
  static JsonObject measure(
      SimulatedGitHub github,
      LoadGenerator one,
      WebhookCorpus.Signed push,
      WebhookCorpus.Signed newCommit)
      throws Exception {
    JsonObject out = new JsonObject();
    Map<String, WebhookCorpus.Signed> cases = new LinkedHashMap<>();
    cases.put("first_push", push);
    cases.put("repeat_push_same_commit", push);
    cases.put("new_commit_same_workflow", newCommit);
    for (Map.Entry<String, WebhookCorpus.Signed> c : cases.entrySet()) {
      int before = github.callCount();
      PhaseStats s = one.once("economy-" + c.getKey(), c.getValue(), Duration.ofSeconds(15));
      Thread.sleep(200); // every GitHub call precedes the JobRequests; this is only a margin
      List<RecordedCall> calls = github.calls();
      Map<String, Long> tally =
          SimulatedGitHub.tally(
              calls.subList(before, calls.size()),
              SimulatedGitHub.about(push.installationId(), push.repository()));
      out.put(c.getKey(), figures(tally, s.jobsOfPhase.sum()));
    }
    BenchRun.log("economy: %s", out.encode());
    return out;
  }

  private static JsonObject figures(Map<String, Long> tally, long jobs) {
    long total = tally.values().stream().mapToLong(Long::longValue).sum();
    long contents304 = tally.getOrDefault("repos/get-content 304", 0L);
    return new JsonObject()
        .put("calls", new JsonObject(new LinkedHashMap<>(tally)))
        .put("token_mints", count(tally, "apps/create-installation-access-token"))
        .put("contents_200", tally.getOrDefault("repos/get-content 200", 0L))
        .put("contents_304", contents304)
        .put("check_run_creates", count(tally, "checks/create"))
        .put("check_run_updates", count(tally, "checks/update"))
        .put("total_calls", total)
        // A 304 does not count against GitHub's rate limit.
        .put("rate_limited_calls", total - contents304)
        .put("jobrequests", jobs)
        .put("calls_per_job", jobs == 0 ? null : PhaseStats.round((double) total / jobs));
  }

  private static long count(Map<String, Long> tally, String operation) {
    return tally.entrySet().stream()
        .filter(e -> e.getKey().startsWith(operation + " "))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** Calls by operation and status across the load phases: mints amortised over many pushes. */
  static JsonObject underLoad(List<RecordedCall> calls) {
    Map<String, Long> tally = SimulatedGitHub.tally(calls, c -> true);
    return new JsonObject(new LinkedHashMap<>(tally)).put("total", (long) calls.size());
  }
}
