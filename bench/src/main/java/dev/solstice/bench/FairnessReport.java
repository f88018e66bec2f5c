package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The fairness phase's own section of docs/benchmarks.md (issue 14). */
final class FairnessReport {
  static final String BEGIN =
      "<!-- bench-fairness:begin (written by scripts/bench.sh --only fairness or a full run) -->";
  static final String END = "<!-- bench-fairness:end -->";

  private FairnessReport() {}

  static void splice(Path doc, JsonObject f, String command) throws Exception {
    DocSplicer.splice(doc, render(f, command), BEGIN, END);
  }

  static String render(JsonObject f, String command) {
    JsonObject limits = f.getJsonObject("limits");
    return """
        ## Fairness across installations (issue 14)

        Command: `%s`

        GitHub's default write limits (%d content-creating requests a minute, %d an hour, per
        installation), enforced by the simulator (a 403 secondary-limit answer past them).
        Installation A receives %d pushes × %d jobs at once; then installation B pushes %d times,
        %d ms apart. A B push counts as served when its %d check runs exist and its %d
        JobRequests reached the broker.

        | figure | value |
        |---|---|
        | B served | %d of %d |
        | B push → check runs created and JobRequests published, p50 | %s ms |
        | … p99 | %s ms |
        | … max | %s ms |
        | A check runs created in %s s (A's budget: 80 in each minute since its first write) | %d |
        | most A creates in any sliding 60 s, by arrival at the simulator | %d |
        | A pushes still in its lane at the end | %d |
        | secondary-limit answers from the simulator | %d |
        | GitHub writes per job (check-run creates and updates; no orchestrator sends results here) | %s |

        The budget reserves write *start* times in Redis and never lets more than 80 fall in one
        sliding minute; the simulator counts *arrivals*, so when one request takes a few
        milliseconds longer to arrive than a request started a minute later, one arrival-minute can
        hold 81. The simulator therefore enforces 80 per 59 s (a second of slack for the hop); no
        write was refused.
        """
        .formatted(
            command,
            limits.getInteger("writes_per_minute"),
            limits.getInteger("writes_per_hour"),
            f.getInteger("a_pushes"),
            f.getInteger("jobs_per_push"),
            f.getInteger("b_pushes"),
            f.getLong("b_gap_ms"),
            f.getInteger("jobs_per_push"),
            f.getInteger("jobs_per_push"),
            f.getInteger("b_served"),
            f.getInteger("b_pushes"),
            f.getValue("b_ms_p50"),
            f.getValue("b_ms_p99"),
            f.getValue("b_ms_max"),
            f.getValue("phase_seconds"),
            f.getInteger("a_check_runs_created"),
            f.getLong("a_creates_max_in_any_minute"),
            f.getInteger("a_lane_left"),
            f.getInteger("secondary_limit_answers"),
            f.getValue("writes_per_job"));
  }
}
