package dev.solstice.integration.execution;

import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.ClaimHeldException;
import dev.solstice.integration.core.JobState;
import dev.solstice.integration.core.RunStep;
import dev.solstice.integration.execution.RunStore.Head;
import dev.solstice.integration.planning.Jobs;
import dev.solstice.integration.planning.RunPlanner;
import dev.solstice.jobrequest.JobCancel;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobStatus;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a workflow run after its webhook: a job with {@code needs} is enqueued by the
 * JobResult consumer once every job it needs succeeded, and skipped (its check run completed {@code
 * skipped}) when one did not; a new head of a branch or pull request, or the pull request's
 * closing, cancels the jobs of the previous head that did not finish (a {@code jobcancel.v1}
 * message for those sent to the orchestrator, queued or running; check runs {@code cancelled}).
 * State lives in a {@link RunStore}, so any replica continues a run; every step is idempotent and
 * guarded by a short claim, so a redelivered webhook or result neither enqueues a job twice nor
 * cancels twice.
 */
public final class RunCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(RunCoordinator.class);
  static final Duration CLAIM_LEASE = Duration.ofSeconds(30);

  private final RunStore store;
  private final CheckRunReporter checks;
  private final Function<JobRequest, Future<Void>> enqueue;
  private final Function<JobCancel, Future<Void>> cancel;
  private final Clock clock;

  public RunCoordinator(
      RunStore store,
      CheckRunReporter checks,
      Function<JobRequest, Future<Void>> enqueue,
      Function<JobCancel, Future<Void>> cancel,
      Clock clock) {
    this.store = store;
    this.checks = checks;
    this.enqueue = enqueue;
    this.cancel = cancel;
    this.clock = clock;
  }

  /** The run id of a delivery's workflow run ({@link Jobs#runId}). */
  public static UUID runId(String deliveryId) {
    return Jobs.runId(deliveryId);
  }

  /**
   * Records a run whose jobs (with their check runs) were just created, and returns the ones to
   * enqueue now: those without needs. The others wait for {@link #onResult}.
   */
  public Future<List<JobRequest>> start(UUID runId, List<JobRequest> jobs) {
    return store
        .save(runId, jobs)
        .compose(v -> store.states(runId))
        .compose(
            states -> {
              List<JobRequest> now = jobs.stream().filter(j -> j.needs().isEmpty()).toList();
              Future<Void> marked = Future.succeededFuture();
              for (JobRequest j : now) {
                // A replayed delivery must not move a job that already started or finished back to
                // queued.
                if (states.get(j.workflowJobId()) == null) {
                  marked =
                      marked.compose(
                          x -> store.setState(runId, j.workflowJobId(), JobState.QUEUED));
                }
              }
              return marked.map(now);
            });
  }

  /**
   * Cancels the jobs of the group's previous head that have not finished, then makes {@code runId}
   * the group's head. Nothing happens when the head is already this run or this commit (a replay).
   */
  public Future<Void> supersede(String group, UUID runId, String sha) {
    return store
        .head(group)
        .compose(
            previous -> {
              if (previous.isPresent()
                  && !previous.get().runId().equals(runId)
                  && !previous.get().sha().equals(sha)) {
                return cancelRun(previous.get().runId(), superseded(sha))
                    .compose(v -> store.setHead(group, new Head(runId, sha)));
              }
              if (previous.isPresent() && previous.get().runId().equals(runId)) {
                return Future.succeededFuture();
              }
              return store.setHead(group, new Head(runId, sha));
            });
  }

  /**
   * The group's pull request was closed (or merged): cancels the jobs of its head that have not
   * finished. A replay finds them finished and does nothing.
   */
  public Future<Void> close(String group) {
    return store
        .head(group)
        .compose(
            head ->
                head.isEmpty()
                    ? Future.succeededFuture()
                    : cancelRun(
                        head.get().runId(),
                        new Cancellation(
                            "its pull request was closed",
                            j -> JobCancel.closed(j, clock.instant()),
                            "The pull request was closed")));
  }

  /**
   * Why a run's jobs are cancelled.
   *
   * @param log the reason in the log
   * @param message the {@code jobcancel.v1} for a job the orchestrator has
   * @param summary the cancelled check run's summary, before "before it started" or "while it ran"
   */
  private record Cancellation(
      String log, Function<JobRequest, JobCancel> message, String summary) {}

  private Cancellation superseded(String newSha) {
    return new Cancellation(
        "superseded by " + newSha,
        j -> JobCancel.superseded(j, newSha, clock.instant()),
        "Superseded by a newer commit, `" + shortSha(newSha) + "`");
  }

  private Future<Void> cancelRun(UUID runId, Cancellation why) {
    return withJobsAndStates(
        runId,
        (jobs, states) -> {
          Future<Void> chain = Future.succeededFuture();
          for (JobRequest job : RunPlanner.cancellable(jobs, states)) {
            chain = chain.compose(v -> cancelJob(runId, job, why));
          }
          return chain;
        });
  }

  /** Reads a run's jobs, then their states, and answers what {@code then} makes of both. */
  private <T> Future<T> withJobsAndStates(
      UUID runId,
      java.util.function.BiFunction<Map<String, JobRequest>, Map<String, String>, Future<T>> then) {
    return store
        .jobs(runId)
        .compose(jobs -> store.states(runId).compose(states -> then.apply(jobs, states)));
  }

  /**
   * Cancels one job unless it finished meanwhile: a job still waiting for its needs only has its
   * check run completed; one queued or running is also sent a {@code jobcancel.v1}, which the
   * orchestrator honours by not running it or by stopping it.
   */
  private Future<Void> cancelJob(UUID runId, JobRequest job, Cancellation why) {
    String id = job.workflowJobId();
    return withClaim(
        runId,
        id,
        state -> {
          if (JobState.terminal(state)) {
            return Future.succeededFuture(); // finished meanwhile: let its result stand
          }
          boolean running = JobState.STARTED.equals(state);
          LOG.info(
              "cancelling {} job {} ({}) of {}@{}: {}",
              running ? "running" : "unstarted",
              id,
              job.requestId(),
              job.repository(),
              job.commitSha(),
              why.log());
          Future<Void> sent =
              state == null ? Future.succeededFuture() : cancel.apply(why.message().apply(job));
          return sent.compose(
                  v ->
                      running
                          ? checks.completeUntilResult(
                              job, "cancelled", "Cancelled", why.summary() + ", while it ran.")
                          : checks.complete(
                              job,
                              "cancelled",
                              "Cancelled",
                              why.summary() + ", before it started."))
              .compose(v -> store.setState(runId, id, JobState.CANCELLED));
        });
  }

  /**
   * Cancels the jobs of a run that were never published (held until their needs succeed), without
   * any GitHub call: its installation was deleted or suspended. Answers how many were cancelled.
   */
  public Future<Integer> cancelHeld(UUID runId, String reason) {
    return withJobsAndStates(
        runId,
        (jobs, states) ->
            onceEach(
                runId,
                jobs.values().stream()
                    .filter(job -> states.get(job.workflowJobId()) == null)
                    .toList(),
                job -> {
                  LOG.info(
                      "cancelling held job {} ({}) of {}: {}",
                      job.workflowJobId(),
                      job.requestId(),
                      job.repository(),
                      reason);
                  return store.setState(runId, job.workflowJobId(), JobState.CANCELLED);
                }));
  }

  /**
   * Records a result of a stored run and moves the run on: after a success, enqueues the jobs whose
   * needs have all succeeded; after anything else, skips every job that (transitively) needs it.
   */
  public Future<Void> onResult(JobResult result) {
    if (result.workflowJobId() == null) {
      return Future.succeededFuture();
    }
    return store
        .runOf(result.requestId())
        .compose(
            run -> {
              if (run.isEmpty()) {
                return Future.succeededFuture();
              }
              UUID runId = run.get();
              String jobId = result.workflowJobId();
              if (result.status() == JobStatus.STARTED) {
                return store.setStartedUnlessFinished(runId, jobId);
              }
              String conclusion = result.conclusion().apiName();
              return store
                  .setState(runId, jobId, JobState.completed(conclusion))
                  .compose(
                      v ->
                          withJobsAndStates(
                              runId,
                              (jobs, states) ->
                                  execute(
                                      runId,
                                      jobId,
                                      conclusion,
                                      RunPlanner.afterResult(jobId, conclusion, jobs, states))));
            });
  }

  /** Carries out a {@link RunStep}: each job enqueued or skipped once, under its claim. */
  private Future<Void> execute(UUID runId, String done, String conclusion, RunStep step) {
    return onceEach(
            runId,
            step.enqueue(),
            job -> {
              LOG.info(
                  "job {} of {}@{}: its needs succeeded, enqueueing it",
                  job.workflowJobId(),
                  job.repository(),
                  job.commitSha());
              return enqueue
                  .apply(job)
                  .compose(x -> store.setState(runId, job.workflowJobId(), JobState.QUEUED));
            })
        .compose(
            enqueued ->
                onceEach(
                    runId,
                    step.skip(),
                    RunStep.Skip::job,
                    skip -> {
                      JobRequest job = skip.job();
                      LOG.info(
                          "job {} of {}@{} skipped: {} concluded {}",
                          job.workflowJobId(),
                          job.repository(),
                          job.commitSha(),
                          done,
                          conclusion);
                      return checks
                          .complete(job, "skipped", "Skipped", skip.summary())
                          .compose(
                              x -> store.setState(runId, job.workflowJobId(), JobState.SKIPPED));
                    }))
        .mapEmpty();
  }

  /**
   * Runs {@code action} for each job in turn, under its claim, unless the job already has a state
   * (another replica or an earlier attempt did it); answers how many it ran for.
   */
  private Future<Integer> onceEach(
      UUID runId, List<JobRequest> jobs, Function<JobRequest, Future<Void>> action) {
    return onceEach(runId, jobs, Function.identity(), action);
  }

  private <T> Future<Integer> onceEach(
      UUID runId, List<T> items, Function<T, JobRequest> jobOf, Function<T, Future<Void>> action) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (T item : items) {
      chain =
          chain.compose(
              n -> {
                boolean[] ran = {false};
                return withClaim(
                        runId,
                        jobOf.apply(item).workflowJobId(),
                        state -> {
                          if (state != null) {
                            return Future.succeededFuture();
                          }
                          ran[0] = true;
                          return action.apply(item);
                        })
                    .map(v -> ran[0] ? n + 1 : n);
              });
    }
    return chain;
  }

  /**
   * Runs {@code action} with the job's current state while holding its claim. When another replica
   * holds it, fails retryably unless the state already moved on (then there is nothing to do).
   */
  private Future<Void> withClaim(UUID runId, String jobId, Function<String, Future<Void>> action) {
    return store
        .claim(runId, jobId, CLAIM_LEASE)
        .compose(
            acquired -> {
              if (!acquired) {
                return store
                    .states(runId)
                    .compose(
                        states ->
                            states.get(jobId) != null
                                ? Future.succeededFuture()
                                : Future.failedFuture(new ClaimHeldException(runId, jobId)));
              }
              return store
                  .states(runId)
                  .compose(states -> action.apply(states.get(jobId)))
                  .eventually(() -> store.release(runId, jobId));
            });
  }

  private static String shortSha(String sha) {
    return sha == null || sha.length() < 7 ? String.valueOf(sha) : sha.substring(0, 7);
  }

  /** For tests and logs: the state of one job of a run. */
  public Future<Optional<String>> state(UUID runId, String jobId) {
    return store.states(runId).map(s -> Optional.ofNullable(s.get(jobId)));
  }
}
