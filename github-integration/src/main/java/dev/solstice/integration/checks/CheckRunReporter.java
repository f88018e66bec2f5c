package dev.solstice.integration.checks;

import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.InvalidWorkflowException;
import dev.solstice.integration.core.JobLinks;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.UnreportableResultException;
import dev.solstice.integration.github.Annotation;
import dev.solstice.integration.github.CheckRun;
import dev.solstice.integration.github.CheckRunCreate;
import dev.solstice.integration.github.CheckRunOutput;
import dev.solstice.integration.github.CheckRunQuery;
import dev.solstice.integration.github.CheckRunUpdate;
import dev.solstice.integration.github.CommitStatus;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.WriteGuard;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobStatus;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Everything the service writes to GitHub's Checks API, with as few calls as possible: one to
 * create a job's run (queued), one per status change reported by the orchestrator.
 *
 * <p>While the App's token exchange fails and the static {@code GITHUB_TOKEN} stands in, GitHub
 * refuses check-run writes (they need an App), so each write becomes a commit status instead: one
 * context per job (the run's name), linking to the job's page (issue 17).
 */
public record CheckRunReporter(
    GitHubClient github,
    CheckRunMap runs,
    CheckNames names,
    JobLinks links,
    long appId,
    Clock clock) {

  /** {@code Solstice CI / build}, or the bare check name for the default job. */
  public String runName(String jobId) {
    return names.runName(jobId);
  }

  /** The job's page, or where its log will be ({@link JobLinks}); null without either. */
  public String detailsUrl(JobRequest job) {
    return links.detailsUrl(job);
  }

  /**
   * The job's queued check run: the one created before for this request_id (a replay), else a new
   * one. Returns the job carrying the run's id.
   */
  public Future<JobRequest> queue(JobRequest job) {
    RepoRef repo = RepoRef.parse(job.repository());
    return github
        .checksWritable(job.installationId(), repo)
        .compose(
            writable ->
                writable
                    ? queueRun(job)
                    : github
                        .createCommitStatus(
                            job.installationId(),
                            repo,
                            job.commitSha(),
                            new CommitStatus(
                                "pending",
                                detailsUrl(job),
                                "Queued: " + waitingSummary(job).replace("`", ""),
                                runName(job.workflowJobId())))
                        .map(job));
  }

  private Future<JobRequest> queueRun(JobRequest job) {
    return runs.get(job.requestId())
        .compose(
            existing -> {
              if (existing.isPresent()) {
                return Future.succeededFuture(job.withCheckRunId(existing.get()));
              }
              CheckRunCreate create =
                  CheckRunCreate.queued(
                      runName(job.workflowJobId()),
                      job.commitSha(),
                      job.requestId().toString(),
                      detailsUrl(job),
                      CheckRunOutput.of("Queued", waitingSummary(job)));
              return createOnce(
                      job.requestId(),
                      job.installationId(),
                      RepoRef.parse(job.repository()),
                      create)
                  .map(job::withCheckRunId);
            });
  }

  private static String waitingSummary(JobRequest job) {
    String base =
        "Waiting for a runner" + (job.runsOn() == null ? "." : " labelled `" + job.runsOn() + "`.");
    if (job.needs().isEmpty()) {
      return base;
    }
    return "Waiting for "
        + String.join(", ", job.needs().stream().map(n -> "`" + n + "`").toList())
        + " to succeed; then it is queued for a runner"
        + (job.runsOn() == null ? "." : " labelled `" + job.runsOn() + "`.");
  }

  /**
   * Completes, without running anything, the check runs of jobs a filter, skip marker or policy
   * decided not to run ({@code skipped}, or {@code neutral} for a held pull request), so a required
   * check never stays pending. A name that already has a run of ours on the commit (a real result
   * from another event at the same commit) is left alone, so a skip never hides a result. Reused on
   * a replay of the same delivery.
   */
  public Future<Void> notRun(
      long installationId, String repository, String sha, Plan.NotRun notRun) {
    RepoRef repo = RepoRef.parse(repository);
    Supplier<Future<Void>> statuses =
        () -> {
          Future<Void> chain = Future.succeededFuture();
          for (Plan.Check job : notRun.checks()) {
            CommitStatus status =
                new CommitStatus(
                    CommitStatus.stateOf(notRun.conclusion()),
                    null,
                    notRun.title(),
                    runName(job.jobId()));
            chain =
                chain.compose(v -> github.createCommitStatus(installationId, repo, sha, status));
          }
          return chain;
        };
    return orStatuses(
        installationId, repo, () -> notRunChecks(installationId, repo, sha, notRun), statuses);
  }

  private Future<Void> notRunChecks(
      long installationId, RepoRef repo, String sha, Plan.NotRun notRun) {
    List<Plan.Check> jobs = notRun.checks();
    String conclusion = notRun.conclusion();
    String title = notRun.title();
    String summary = notRun.summary();
    Future<List<Plan.Check>> pending = Future.succeededFuture(new java.util.ArrayList<>());
    for (Plan.Check job : jobs) {
      pending =
          pending.compose(
              list ->
                  runs.get(job.requestId())
                      .map(
                          existing -> {
                            if (existing.isEmpty()) {
                              list.add(job);
                            }
                            return list;
                          }));
    }
    return pending.compose(
        todo -> {
          if (todo.isEmpty()) {
            return Future.succeededFuture();
          }
          return github
              .listCheckRuns(installationId, repo, sha, new CheckRunQuery(null, "latest", appId))
              .compose(
                  existing -> {
                    java.util.Set<String> taken = new java.util.HashSet<>();
                    existing.forEach(r -> taken.add(r.name()));
                    Future<Void> chain = Future.succeededFuture();
                    for (Plan.Check job : todo) {
                      String name = runName(job.jobId());
                      if (taken.contains(name)) {
                        continue;
                      }
                      CheckRunCreate create =
                          CheckRunCreate.completed(
                              name,
                              sha,
                              conclusion,
                              job.requestId().toString(),
                              null,
                              clock.instant(),
                              clock.instant(),
                              CheckRunOutput.of(title, summary));
                      chain =
                          chain.compose(
                              v ->
                                  createOnce(job.requestId(), installationId, repo, create)
                                      .<Void>mapEmpty());
                    }
                    return chain;
                  });
        });
  }

  /**
   * Completes a queued job's check run without a result from the orchestrator: {@code skipped} when
   * a job it needs failed, {@code cancelled} when a newer head superseded it.
   */
  public Future<Void> complete(JobRequest job, String conclusion, String title, String summary) {
    return complete(job, conclusion, title, summary, true);
  }

  /**
   * As {@link #complete}, for a running job being cancelled: the run is not noted as completed, so
   * the orchestrator's own final result (it stopped the job, or it finished first) is still written
   * over this one, once. Like an {@code in_progress} write, it is a provisional one ({@link
   * CheckRunMap#startedWrite}): not sent once that result began, so it never lands after it.
   */
  public Future<Void> completeUntilResult(
      JobRequest job, String conclusion, String title, String summary) {
    return complete(job, conclusion, title, summary, false);
  }

  private Future<Void> complete(
      JobRequest job, String conclusion, String title, String summary, boolean last) {
    RepoRef repo = RepoRef.parse(job.repository());
    return orStatuses(
        job.installationId(),
        repo,
        () ->
            last
                ? completeRun(job, repo, conclusion, title, summary)
                : completeRunNow(
                    job, repo, conclusion, title, summary, runs.startedWrite(job.requestId())),
        () ->
            github.createCommitStatus(
                job.installationId(),
                repo,
                job.commitSha(),
                new CommitStatus(
                    CommitStatus.stateOf(conclusion),
                    detailsUrl(job),
                    title,
                    runName(job.workflowJobId()))));
  }

  private Future<Void> completeRun(
      JobRequest job, RepoRef repo, String conclusion, String title, String summary) {
    return onceCompleted(
        job.requestId(), () -> completeRunNow(job, repo, conclusion, title, summary, null));
  }

  /**
   * Write economy (issue 14): a run we completed is not written again (a redelivered result, a late
   * {@code started}, a cancel after the job finished); a completing write marks it. The completion
   * is noted before it is sent ({@link CheckRunMap#beginCompletion}), so no replica sends an {@code
   * in_progress} write after it.
   */
  private Future<Void> onceCompleted(UUID requestId, Supplier<Future<Void>> completing) {
    return runs.isCompleted(requestId)
        .otherwise(false)
        .compose(
            done ->
                done
                    ? Future.<Void>succeededFuture()
                    : runs.beginCompletion(requestId)
                        .compose(v -> completing.get())
                        .compose(v -> runs.markCompleted(requestId).otherwiseEmpty()));
  }

  /**
   * @param provisional the condition of a write the job's final result must override, or null
   */
  private Future<Void> completeRunNow(
      JobRequest job,
      RepoRef repo,
      String conclusion,
      String title,
      String summary,
      WriteGuard provisional) {
    Future<Optional<Long>> id =
        job.checkRunId() != null
            ? Future.succeededFuture(Optional.of(job.checkRunId()))
            : runs.get(job.requestId());
    return id.compose(
        found -> {
          java.time.Instant now = clock.instant();
          if (found.isEmpty()) {
            return createOnce(
                    job.requestId(),
                    job.installationId(),
                    repo,
                    CheckRunCreate.completed(
                        runName(job.workflowJobId()),
                        job.commitSha(),
                        conclusion,
                        job.requestId().toString(),
                        detailsUrl(job),
                        now,
                        now,
                        CheckRunOutput.of(title, summary)))
                .mapEmpty();
          }
          CheckRunUpdate update =
              new CheckRunUpdate(
                  "completed", conclusion, null, now, CheckRunOutput.of(title, summary));
          return (provisional == null
                  ? github.updateCheckRun(job.installationId(), repo, found.get(), update)
                  : github.updateCheckRunIf(
                      job.installationId(), repo, found.get(), update, provisional))
              .mapEmpty();
        });
  }

  /**
   * One failed run named for the workflow, with the error as its text and an annotation on the
   * line, as GitHub Actions reports an invalid workflow. Reused on a replay of the same delivery.
   */
  public Future<Void> invalidWorkflow(
      long installationId,
      String repository,
      String sha,
      UUID requestId,
      InvalidWorkflowException error) {
    RepoRef repo = RepoRef.parse(repository);
    return orStatuses(
        installationId,
        repo,
        () -> invalidWorkflowRun(installationId, repo, sha, requestId, error),
        () ->
            github.createCommitStatus(
                installationId,
                repo,
                sha,
                new CommitStatus(
                    "failure",
                    null,
                    "Invalid workflow file "
                        + error.path()
                        + " line "
                        + error.line()
                        + ": "
                        + error.reason(),
                    runName(CheckNames.WORKFLOW_RUN))));
  }

  private Future<Void> invalidWorkflowRun(
      long installationId,
      RepoRef repo,
      String sha,
      UUID requestId,
      InvalidWorkflowException error) {
    return runs.get(requestId)
        .compose(
            existing -> {
              if (existing.isPresent()) {
                return Future.succeededFuture();
              }
              CheckRunOutput output =
                  new CheckRunOutput(
                      "Invalid workflow file",
                      "`" + error.path() + "` line " + error.line() + ": " + error.reason(),
                      "```\n" + error.formatted() + "\n```",
                      List.of(
                          new Annotation(
                              error.path(),
                              error.line(),
                              error.line(),
                              error.column(),
                              error.column(),
                              "failure",
                              error.reason(),
                              "Invalid workflow file",
                              null)));
              CheckRunCreate create =
                  CheckRunCreate.completed(
                      runName(CheckNames.WORKFLOW_RUN),
                      sha,
                      "failure",
                      requestId.toString(),
                      null,
                      clock.instant(),
                      clock.instant(),
                      output);
              return createOnce(requestId, installationId, repo, create).<Void>mapEmpty();
            });
  }

  /** Moves the job's run to in_progress (started) or completes it (completed). */
  public Future<Void> report(JobResult result) {
    if (result.repository() == null
        || result.installationId() == null
        || result.commitSha() == null) {
      return Future.failedFuture(
          new UnreportableResultException(
              "result "
                  + result.requestId()
                  + " lacks repository, commit_sha or installation_id; cannot find its check run"));
    }
    RepoRef repo = RepoRef.parse(result.repository());
    long installation = result.installationId();
    return orStatuses(
        installation,
        repo,
        () -> reportRun(result, repo, installation),
        () -> github.createCommitStatus(installation, repo, result.commitSha(), statusOf(result)));
  }

  /** A result as a commit status: its conclusion's state, its title, linked to its log. */
  private CommitStatus statusOf(JobResult result) {
    String context = runName(result.workflowJobId());
    if (result.status() == JobStatus.STARTED) {
      return new CommitStatus("pending", result.logUrl(), "Running.", context);
    }
    CheckRunUpdate u = update(result);
    return new CommitStatus(
        CommitStatus.stateOf(u.conclusion()),
        result.logUrl(),
        result.summary() != null
            ? u.output().title() + ": " + result.summary()
            : u.output().title(),
        context);
  }

  private Future<Void> reportRun(JobResult result, RepoRef repo, long installation) {
    if (result.status() == JobStatus.STARTED) {
      return runs.isCompleted(result.requestId())
          .otherwise(false)
          .compose(
              done ->
                  done
                      ? Future.<Void>succeededFuture()
                      : reportStarted(result, repo, installation));
    }
    return onceCompleted(result.requestId(), () -> reportRunNow(result, repo, installation));
  }

  /**
   * The {@code in_progress} write, sent only if the run's completion has not begun when it is about
   * to be sent (issue 14: a redelivered STARTED result handled beside its COMPLETED one, here or on
   * another replica, must not reopen the run).
   */
  private Future<Void> reportStarted(JobResult result, RepoRef repo, long installation) {
    WriteGuard guard = runs.startedWrite(result.requestId());
    return checkRunOf(result, repo, installation)
        .compose(
            id -> {
              if (id.isPresent()) {
                return github
                    .updateCheckRunIf(installation, repo, id.get(), update(result), guard)
                    .mapEmpty();
              }
              return guard
                  .acquire()
                  .compose(
                      allowed ->
                          allowed
                              ? createCompleted(result, repo, installation)
                                  .eventually(guard::release)
                              : Future.<Void>succeededFuture());
            });
  }

  private Future<Void> reportRunNow(JobResult result, RepoRef repo, long installation) {
    return checkRunOf(result, repo, installation)
        .compose(
            id -> {
              if (id.isEmpty()) {
                return createCompleted(result, repo, installation);
              }
              return github.updateCheckRun(installation, repo, id.get(), update(result)).mapEmpty();
            });
  }

  private Future<Optional<Long>> checkRunOf(JobResult result, RepoRef repo, long installation) {
    if (result.checkRunId() != null) {
      return Future.succeededFuture(Optional.of(result.checkRunId()));
    }
    return runs.get(result.requestId())
        .compose(
            mapped -> {
              if (mapped.isPresent()) {
                return Future.succeededFuture(mapped);
              }
              String name = runName(result.workflowJobId());
              return github
                  .listCheckRuns(
                      installation, repo, result.commitSha(), new CheckRunQuery(name, "all", appId))
                  .map(
                      list ->
                          list.stream()
                              .filter(r -> result.requestId().toString().equals(r.externalId()))
                              .map(CheckRun::id)
                              .findFirst());
            });
  }

  /**
   * No run exists (it was never created, or deleted): create one so the commit still shows the
   * result.
   */
  private Future<Void> createCompleted(JobResult result, RepoRef repo, long installation) {
    String name = runName(result.workflowJobId());
    String externalId = result.requestId().toString();
    CheckRunCreate create;
    if (result.status() == JobStatus.STARTED) {
      create =
          CheckRunCreate.inProgress(
              name, result.commitSha(), externalId, result.logUrl(), result.startedAt());
    } else {
      CheckRunUpdate u = update(result);
      create =
          CheckRunCreate.completed(
              name,
              result.commitSha(),
              u.conclusion(),
              externalId,
              result.logUrl(),
              u.startedAt(),
              u.completedAt(),
              u.output());
    }
    return createOnce(result.requestId(), installation, repo, create).mapEmpty();
  }

  /**
   * Creates the job's check run once across replicas and crashes (issue 14): the create is noted
   * first ({@link CheckRunMap#beginCreate}); when an earlier attempt had noted it (a replica that
   * died between GitHub's answer and {@link CheckRunMap#put}), the run is looked up by its {@code
   * external_id} (the request_id) and adopted, brought to the state {@code create} asks for.
   * Returns the run's id.
   */
  private Future<Long> createOnce(
      UUID requestId, long installation, RepoRef repo, CheckRunCreate create) {
    return runs.beginCreate(requestId)
        .otherwise(false) // cannot tell: look before creating
        .compose(
            first ->
                first
                    ? Future.succeededFuture(Optional.<CheckRun>empty())
                    : findByExternalId(
                        installation, repo, create.headSha(), create.name(), requestId))
        .compose(
            found -> {
              if (found.isEmpty()) {
                return github
                    .createCheckRun(installation, repo, create)
                    .compose(run -> runs.put(requestId, run.id()).map(run.id()));
              }
              long id = found.get().id();
              Future<Void> adopted = runs.put(requestId, id);
              if (!"queued".equals(create.status())
                  && !create.status().equals(found.get().status())) {
                adopted =
                    adopted.compose(
                        v ->
                            github
                                .updateCheckRun(
                                    installation,
                                    repo,
                                    id,
                                    new CheckRunUpdate(
                                        create.status(),
                                        create.conclusion(),
                                        create.startedAt(),
                                        create.completedAt(),
                                        create.output()))
                                .mapEmpty());
              }
              return adopted.map(id);
            });
  }

  /** Our run of that name on that commit whose {@code external_id} is the request_id, if any. */
  private Future<Optional<CheckRun>> findByExternalId(
      long installation, RepoRef repo, String sha, String name, UUID requestId) {
    return github
        .listCheckRuns(installation, repo, sha, new CheckRunQuery(name, "all", appId))
        .map(
            list ->
                list.stream().filter(r -> requestId.toString().equals(r.externalId())).findFirst());
  }

  private CheckRunUpdate update(JobResult result) {
    if (result.status() == JobStatus.STARTED) {
      return CheckRunUpdate.inProgress(
          result.startedAt() != null ? result.startedAt() : clock.instant());
    }
    String conclusion = result.conclusion().apiName();
    String title =
        switch (conclusion) {
          case "success" -> "Succeeded";
          case "failure" -> "Failed";
          case "timed_out" -> "Timed out";
          case "cancelled" -> "Cancelled";
          case "skipped" -> "Skipped";
          default -> "Finished";
        };
    String summary = result.summary() != null ? result.summary() : title + ".";
    if (result.logUrl() != null) {
      summary += "\n\n[Full log](" + result.logUrl() + ")";
    }
    String text =
        result.logTail() == null || result.logTail().isEmpty()
            ? null
            : "Last lines of the log:\n\n```\n"
                + tail(result.logTail(), CheckRunOutput.MAX_TEXT - 64)
                + "\n```";
    List<Annotation> annotations =
        result.annotations().stream()
            .map(
                a ->
                    new Annotation(
                        a.path(),
                        a.line(),
                        a.endLine() == null ? a.line() : a.endLine(),
                        null,
                        null,
                        a.level().name().toLowerCase(java.util.Locale.ROOT),
                        a.message(),
                        a.title(),
                        null))
            .toList();
    return new CheckRunUpdate(
        "completed",
        conclusion,
        result.startedAt(),
        result.finishedAt() != null ? result.finishedAt() : clock.instant(),
        new CheckRunOutput(title, summary, text, annotations));
  }

  /**
   * The check-run write, or, while GitHub would refuse it (only the static personal access token is
   * at hand), the commit statuses standing in for it.
   */
  private Future<Void> orStatuses(
      long installationId,
      RepoRef repo,
      Supplier<Future<Void>> checks,
      Supplier<Future<Void>> statuses) {
    return github
        .checksWritable(installationId, repo)
        .compose(writable -> writable ? checks.get() : statuses.get());
  }

  /** The end of a log, cut at a line start, within GitHub's limit for {@code output.text}. */
  static String tail(String log, int max) {
    if (log.length() <= max) {
      return log.stripTrailing();
    }
    String cut = log.substring(log.length() - max);
    int nl = cut.indexOf('\n');
    return (nl >= 0 && nl < cut.length() - 1 ? cut.substring(nl + 1) : cut).stripTrailing();
  }
}
