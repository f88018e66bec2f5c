package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pretends to run a job: waits, then reports the outcome the job asked for in its env ({@value
 * #OUTCOME_VAR}, {@value #DURATION_VAR}) or the configured default. Nothing is executed.
 */
public record SimulatedJobRunner(Vertx vertx, Conclusion defaultOutcome, Duration defaultDuration)
    implements JobRunner {

  /** Job env variable choosing the conclusion, e.g. {@code failure}. */
  public static final String OUTCOME_VAR = "SOLSTICE_STUB_OUTCOME";

  /** Job env variable choosing the simulated duration in milliseconds. */
  public static final String DURATION_VAR = "SOLSTICE_STUB_DURATION_MS";

  /**
   * What the simulation of this job will do.
   *
   * @param notes warnings about ignored overrides, written to the job log
   */
  public record Plan(Conclusion conclusion, Duration duration, List<String> notes) {}

  /**
   * Decides outcome and duration from the job's env, falling back to the defaults for bad values.
   */
  public Plan plan(JobRequest request) {
    List<String> notes = new ArrayList<>();
    Conclusion conclusion = defaultOutcome;
    String outcome = request.env().get(OUTCOME_VAR);
    if (outcome != null) {
      Optional<Conclusion> parsed = Conclusions.parse(outcome);
      if (parsed.isPresent()) {
        conclusion = parsed.get();
      } else {
        notes.add(
            OUTCOME_VAR
                + "=\""
                + outcome
                + "\" is not one of "
                + Conclusions.names()
                + "; using "
                + defaultOutcome.apiName());
      }
    }
    Duration duration = defaultDuration;
    String millis = request.env().get(DURATION_VAR);
    if (millis != null) {
      try {
        long parsed = Long.parseLong(millis.trim());
        if (parsed < 0) {
          throw new NumberFormatException("negative");
        }
        duration = Duration.ofMillis(parsed);
      } catch (NumberFormatException e) {
        notes.add(
            DURATION_VAR
                + "=\""
                + millis
                + "\" is not a non-negative integer; using "
                + defaultDuration.toMillis()
                + " ms");
      }
    }
    return new Plan(conclusion, duration, List.copyOf(notes));
  }

  @Override
  public Future<RunOutcome> run(JobRequest request, Future<String> cancel) {
    Plan plan = plan(request);
    // The reason of a cancel that came first, or null once the job's time is up. A Vert.x timer,
    // not Thread.sleep: the wait must not hold an event loop or worker thread.
    Promise<String> ended = Promise.promise();
    if (plan.duration().isZero()) {
      ended.tryComplete(null);
    } else {
      long timer = vertx.setTimer(plan.duration().toMillis(), id -> ended.tryComplete(null));
      ended.future().onComplete(ar -> vertx.cancelTimer(timer));
    }
    cancel.onSuccess(ended::tryComplete);
    return ended
        .future()
        .map(
            reason ->
                reason == null
                    ? new RunOutcome(plan.conclusion(), summary(plan), log(request, plan))
                    : RunOutcome.cancelled(reason, "while it ran", started(request)));
  }

  private static String summary(Plan plan) {
    return "Simulated by the Solstice stub orchestrator: "
        + plan.conclusion().apiName()
        + " after "
        + plan.duration().toMillis()
        + " ms (nothing was executed).";
  }

  private static String started(JobRequest request) {
    return "[solstice-stub] simulating job " + request.requestId() + "\n";
  }

  private static String log(JobRequest request, Plan plan) {
    StringBuilder log = new StringBuilder(started(request));
    log.append("[solstice-stub] repository ")
        .append(request.repository())
        .append(" at ")
        .append(request.commitSha())
        .append(", job ")
        .append(request.workflowJobId())
        .append('\n');
    plan.notes().forEach(note -> log.append("[solstice-stub] warning: ").append(note).append('\n'));
    for (String line : request.script()) {
      log.append("+ ").append(line).append('\n');
    }
    log.append("[solstice-stub] simulated conclusion: ")
        .append(plan.conclusion().apiName())
        .append(" after ")
        .append(plan.duration().toMillis())
        .append(" ms\n");
    return log.toString();
  }
}
