package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pretends to run a job: waits, then reports the outcome the job asked for in its env ({@value
 * #OUTCOME_VAR}, {@value #DURATION_VAR}) or the configured default. Nothing is executed.
 */
public record SimulatedJobRunner(
    Vertx vertx, Conclusion defaultOutcome, Duration defaultDuration, int defaultLogLines)
    implements JobRunner {

  /** Without progress lines unless a job asks for them. */
  public SimulatedJobRunner(Vertx vertx, Conclusion defaultOutcome, Duration defaultDuration) {
    this(vertx, defaultOutcome, defaultDuration, 0);
  }

  /** Job env variable choosing the conclusion, e.g. {@code failure}. */
  public static final String OUTCOME_VAR = "SOLSTICE_STUB_OUTCOME";

  /** Job env variable choosing the simulated duration in milliseconds. */
  public static final String DURATION_VAR = "SOLSTICE_STUB_DURATION_MS";

  /**
   * Job env variable: how many progress lines the job prints, spread with its script lines over its
   * duration (so a live log has something to show).
   */
  public static final String LOG_LINES_VAR = "SOLSTICE_STUB_LOG_LINES";

  static final int MAX_LOG_LINES = 10_000;

  /**
   * What the simulation of this job will do.
   *
   * @param notes warnings about ignored overrides, written to the job log
   * @param logLines progress lines printed over the duration, besides the script lines
   */
  public record Plan(Conclusion conclusion, Duration duration, List<String> notes, int logLines) {}

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
    int logLines = defaultLogLines;
    String lines = request.env().get(LOG_LINES_VAR);
    if (lines != null) {
      try {
        logLines = Integer.parseInt(lines.trim());
        if (logLines < 0 || logLines > MAX_LOG_LINES) {
          throw new NumberFormatException("out of range");
        }
      } catch (NumberFormatException e) {
        logLines = defaultLogLines;
        notes.add(
            LOG_LINES_VAR
                + "=\""
                + lines
                + "\" is not within 0.."
                + MAX_LOG_LINES
                + "; using "
                + defaultLogLines);
      }
    }
    return new Plan(conclusion, duration, List.copyOf(notes), logLines);
  }

  @Override
  public Future<RunOutcome> run(JobRequest request, Future<String> cancel, LogSink sink) {
    Plan plan = plan(request);
    StringBuilder log = new StringBuilder();
    Consumer<String> print =
        line -> {
          log.append(line).append('\n');
          sink.append(line + "\n");
        };
    header(request, plan).forEach(print);
    Deque<String> timed = new ArrayDeque<>(timedLines(request, plan));
    // The reason of a cancel that came first, or null once the job's time is up. Vert.x timers,
    // not Thread.sleep: the wait must not hold an event loop or worker thread.
    Promise<String> ended = Promise.promise();
    if (plan.duration().isZero()) {
      timed.forEach(print);
      timed.clear();
      ended.tryComplete(null);
    } else {
      long timer = vertx.setTimer(plan.duration().toMillis(), id -> ended.tryComplete(null));
      // The timed lines come evenly spread over the duration, the last one before its end.
      long step = Math.max(1, plan.duration().toMillis() / (timed.size() + 1));
      long ticker =
          timed.isEmpty()
              ? -1
              : vertx.setPeriodic(
                  step,
                  id -> {
                    if (!timed.isEmpty() && !ended.future().isComplete()) {
                      print.accept(timed.poll());
                    }
                  });
      ended
          .future()
          .onComplete(
              ar -> {
                vertx.cancelTimer(timer);
                vertx.cancelTimer(ticker);
              });
    }
    cancel.onSuccess(ended::tryComplete);
    return ended
        .future()
        .map(
            reason -> {
              if (reason != null) {
                return RunOutcome.cancelled(reason, "while it ran", log.toString());
              }
              // A line the timer beat (timers of equal time have no order) is still in the log.
              timed.forEach(print);
              print.accept(
                  "[solstice-stub] simulated conclusion: "
                      + plan.conclusion().apiName()
                      + " after "
                      + plan.duration().toMillis()
                      + " ms");
              return new RunOutcome(plan.conclusion(), summary(plan), log.toString());
            });
  }

  private static String summary(Plan plan) {
    return "Simulated by the Solstice stub orchestrator: "
        + plan.conclusion().apiName()
        + " after "
        + plan.duration().toMillis()
        + " ms (nothing was executed).";
  }

  private static List<String> header(JobRequest request, Plan plan) {
    List<String> lines = new ArrayList<>();
    lines.add("[solstice-stub] simulating job " + request.requestId());
    lines.add(
        "[solstice-stub] repository "
            + request.repository()
            + " at "
            + request.commitSha()
            + ", job "
            + request.workflowJobId());
    plan.notes().forEach(note -> lines.add("[solstice-stub] warning: " + note));
    return lines;
  }

  private static List<String> timedLines(JobRequest request, Plan plan) {
    List<String> lines = new ArrayList<>();
    request.script().forEach(line -> lines.add("+ " + line));
    for (int i = 1; i <= plan.logLines(); i++) {
      lines.add("[solstice-stub] step " + i + " of " + plan.logLines());
    }
    return lines;
  }
}
