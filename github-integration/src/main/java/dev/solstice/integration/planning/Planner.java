package dev.solstice.integration.planning;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.InvalidWebhookException;
import dev.solstice.integration.core.InvalidWorkflowException;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.policy.EventFilter;
import dev.solstice.integration.policy.PolicySettings;
import dev.solstice.integration.policy.TriggerPolicy;
import dev.solstice.integration.policy.Verdict;
import dev.solstice.integration.workflow.JobSpec;
import dev.solstice.integration.workflow.KdlWorkflowParser;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.JobRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides what a build trigger causes, as a {@link Plan}, from the trigger, the workflow file, the
 * policies and the changed files; it reads nothing itself (see {@link Step}).
 *
 * <p>In order: a check event of another App is ignored; the service's policies ({@link
 * TriggerPolicy#admission}: a denied repository gets nothing, not even a GitHub call; a skip marker
 * skips; a fork pull request may be held); the workflow file, read at the exact commit, or at the
 * pull request's base when the head is an untrusted fork's (a Re-run of a fork's checks is judged
 * as its pull request, read from GitHub first: {@link Reruns}); its {@code on} section, path
 * filters included. A trigger that does not run completes the workflow's check runs as {@code
 * skipped} ({@code neutral} when held), so required checks never stay pending. A trigger that runs
 * gets one JobRequest per job; the run is recorded (the job pages read it) and only the jobs
 * without needs are published now, the others once their needs succeeded. No workflow file: the
 * default job. An invalid file: one failed check run. A trigger of an installation the record knows
 * as deleted or suspended gets nothing (no GitHub call, no job). Without GitHub (no App
 * configured), every trigger gets the default job and no check runs.
 *
 * @param app null without a GitHub App
 * @param runsOnFallback runner label for a repository when neither job nor group names one
 */
public record Planner(
    GitHubApp app, PolicySettings policy, Function<String, String> runsOnFallback, Clock clock) {

  private static final String ZERO_SHA = "0000000000000000000000000000000000000000";
  private static final KdlWorkflowParser PARSER = new KdlWorkflowParser();

  /**
   * The GitHub App the plans are for.
   *
   * @param appId the App's id (check events of other Apps are ignored)
   * @param names how our check runs are named (to read a Re-run request's job)
   */
  public record GitHubApp(long appId, CheckNames names) {}

  /**
   * @param appId the GitHub App's id (check events of other Apps are ignored)
   * @param names how our check runs are named (to read a Re-run request's job)
   * @param runsOnFallback runner label for a repository when neither job nor group names one
   */
  public static Planner withGitHub(
      long appId,
      CheckNames names,
      PolicySettings policy,
      Function<String, String> runsOnFallback,
      Clock clock) {
    return new Planner(new GitHubApp(appId, names), policy, runsOnFallback, clock);
  }

  /**
   * Without a GitHub App: one default job per trigger, whatever the policies; the orchestrator
   * decides.
   */
  public static Planner withoutGitHub(Function<String, String> runsOn, Clock clock) {
    return new Planner(null, PolicySettings.defaults(), runsOn, clock);
  }

  /**
   * The plan for {@code trigger}, or what to read first.
   *
   * @throws InvalidWebhookException when a fork pull request lacks its base commit
   */
  public Step plan(BuildTrigger trigger, String deliveryId, Inputs inputs) {
    Plan.Target target =
        new Plan.Target(
            deliveryId,
            trigger.event(),
            trigger.repository(),
            trigger.commitSha(),
            app != null ? trigger.installationId() : null);
    if (trigger.installationId() != null && inputs.installation().gone()) {
      return done(
          Plan.nothing(
              target,
              "installation "
                  + trigger.installationId()
                  + " is "
                  + inputs.installation().name().toLowerCase(java.util.Locale.ROOT)
                  + ": no GitHub call and no job for "
                  + trigger.event()
                  + " of "
                  + trigger.repository()));
    }
    if (trigger.isClosedPullRequest()) {
      return done(closed(target, trigger));
    }
    if (app == null) {
      return done(Plan.run(target, List.of(defaultJob(trigger, deliveryId)), null));
    }
    if (trigger.checkAppId() != null && trigger.checkAppId() != app.appId()) {
      return done(
          Plan.nothing(
              target,
              "ignoring "
                  + trigger.event()
                  + " "
                  + trigger.action()
                  + " of another app ("
                  + trigger.checkAppId()
                  + ")"));
    }
    Verdict admission = TriggerPolicy.admission(trigger, policy);
    if (admission.kind() == Verdict.Kind.DENY) {
      return done(
          Plan.nothing(
              target,
              "not serving "
                  + trigger.event()
                  + " "
                  + trigger.repository()
                  + ": "
                  + admission.reason()));
    }
    if (trigger.installationId() == null) {
      if (!admission.runs()) {
        return done(
            Plan.nothing(
                target,
                "not running "
                    + trigger.event()
                    + " of "
                    + trigger.repository()
                    + ": "
                    + admission.reason()));
      }
      return done(
          Plan.run(
              target,
              List.of(defaultJob(trigger, deliveryId)),
              trigger.event()
                  + " without an installation: not sent by a GitHub App; queuing the default job without check runs"));
    }
    if (Reruns.needsPullRequest(trigger, inputs)) {
      return new Step.ReadPullRequestOfCommit(
          trigger.installationId(),
          trigger.repository(),
          trigger.commitSha(),
          trigger.pullRequestNumber());
    }
    if (trigger.isRerun() && trigger.fork()) {
      trigger = Reruns.withPullRequest(trigger, inputs.pullRequest());
      admission = TriggerPolicy.admission(trigger, policy);
    }
    if (inputs.workflow() == null) {
      return readWorkflow(trigger, admission);
    }
    Inputs.WorkflowFile file = inputs.workflow();
    if (file.content() == null) {
      if (!admission.runs()) {
        return done(notRun(target, deliveryId, Collections.singletonList(null), admission));
      }
      if (TriggerPolicy.evaluate(null, trigger).kind() == Verdict.Kind.IGNORE) {
        return done(Plan.nothing(target, null));
      }
      return done(
          Plan.run(target, selectRerun(trigger, List.of(defaultJob(trigger, deliveryId))), null));
    }
    Workflow workflow;
    try {
      workflow = PARSER.parse(Workflow.PATH, file.content());
    } catch (InvalidWorkflowException e) {
      return done(
          new Plan(
              target,
              List.of(),
              null,
              null,
              null,
              new Plan.InvalidWorkflow(RequestIds.of(deliveryId, CheckNames.WORKFLOW_RUN), e),
              "invalid workflow in "
                  + trigger.repository()
                  + "@"
                  + file.ref()
                  + ": "
                  + e.getMessage()));
    }
    List<String> jobIds = workflow.jobs().stream().map(JobSpec::id).toList();
    if (!admission.runs()) {
      return done(notRun(target, deliveryId, rerunIds(trigger, jobIds), admission));
    }
    Verdict verdict = TriggerPolicy.evaluate(workflow.on(), trigger);
    EventFilter pathFilter =
        verdict.runs() ? TriggerPolicy.pathFilter(workflow.on(), trigger) : null;
    if (pathFilter != null) {
      Optional<List<String>> known = changedFilesWithoutGitHub(trigger);
      if (known == null && inputs.changedFiles() == null) {
        return readChangedFiles(trigger);
      }
      verdict =
          TriggerPolicy.paths(
              pathFilter, known != null ? known.orElse(null) : inputs.changedFiles().known());
    }
    if (verdict.kind() == Verdict.Kind.IGNORE) {
      return done(
          Plan.nothing(
              target,
              trigger.event()
                  + " "
                  + trigger.action()
                  + " of "
                  + trigger.repository()
                  + ": "
                  + verdict.reason()));
    }
    if (!verdict.runs()) {
      return done(notRun(target, deliveryId, jobIds, verdict));
    }
    List<JobRequest> jobs = new ArrayList<>();
    for (JobSpec spec : workflow.jobs()) {
      jobs.add(request(trigger, deliveryId, spec, inputs.changedFiles()));
    }
    return done(coordinate(target, trigger, deliveryId, workflow, selectRerun(trigger, jobs)));
  }

  /**
   * A closed (or merged) pull request: the unfinished jobs of its recorded head are cancelled.
   * Heads are recorded where a new head cancels the previous one ({@code cancel_superseded}, on for
   * pull requests by default), so nothing else needs reading.
   */
  private Plan closed(Plan.Target target, BuildTrigger trigger) {
    String what = "pull request #" + trigger.pullRequestNumber() + " of " + trigger.repository();
    if (app == null || trigger.installationId() == null) {
      return Plan.nothing(target, what + " closed; no run to cancel without a GitHub App");
    }
    String group =
        Jobs.group(
            trigger.repository(), trigger.event(), trigger.pullRequestNumber(), trigger.ref());
    return new Plan(
        target,
        List.of(),
        null,
        Plan.Supersede.closing(group),
        null,
        null,
        what + " closed: cancelling its unfinished jobs");
  }

  private static Step done(Plan plan) {
    return new Step.Done(plan);
  }

  private static Step readWorkflow(BuildTrigger trigger, Verdict admission) {
    boolean fromBase =
        admission.kind() == Verdict.Kind.HOLD || TriggerPolicy.untrustedHead(trigger);
    String ref = trigger.commitSha();
    if (fromBase) {
      ref = trigger.baseSha() != null ? trigger.baseSha() : trigger.baseRef();
      if (ref == null) {
        throw new InvalidWebhookException(
            trigger.isRerun()
                ? "missing field: repository.default_branch (a fork's Re-run without a listed pull"
                    + " request reads the workflow from the default branch)"
                : "missing field: pull_request.base.sha (a fork pull request's workflow is read from its base)");
      }
    }
    return new Step.ReadWorkflow(trigger.installationId(), trigger.repository(), ref, fromBase);
  }

  /**
   * The changed files when the payload tells (a push's commits), or cannot be known (a new branch
   * or tag: nothing to compare with: empty); null when GitHub must be asked.
   */
  private static Optional<List<String>> changedFilesWithoutGitHub(BuildTrigger trigger) {
    if (trigger.isPullRequest()) {
      return null;
    }
    if (trigger.changedFiles() != null) {
      return Optional.of(trigger.changedFiles());
    }
    if (trigger.beforeSha() == null || ZERO_SHA.equals(trigger.beforeSha())) {
      return Optional.empty();
    }
    return null;
  }

  private static Step readChangedFiles(BuildTrigger trigger) {
    if (trigger.isPullRequest()) {
      return new Step.ReadPullRequestFiles(
          trigger.installationId(), trigger.repository(), trigger.pullRequestNumber());
    }
    return new Step.ReadComparedFiles(
        trigger.installationId(), trigger.repository(), trigger.beforeSha(), trigger.commitSha());
  }

  /** The check runs of jobs that will not run: skipped, or neutral when held. */
  private static Plan notRun(
      Plan.Target target, String deliveryId, List<String> jobIds, Verdict verdict) {
    boolean held = verdict.kind() == Verdict.Kind.HOLD;
    List<Plan.Check> checks =
        jobIds.stream()
            .map(
                id ->
                    new Plan.Check(
                        RequestIds.of(deliveryId, id == null ? RequestIds.DEFAULT_JOB : id), id))
            .toList();
    return new Plan(
        target,
        List.of(),
        null,
        null,
        new Plan.NotRun(
            held ? "neutral" : "skipped",
            held ? "Waiting for a maintainer" : "Skipped",
            verdict.reason(),
            checks),
        null,
        "not running "
            + target.event()
            + " of "
            + target.repository()
            + "@"
            + target.sha()
            + ": "
            + verdict.reason());
  }

  /** Records the run when jobs wait on needs or a new head cancels the previous head's jobs. */
  private static Plan coordinate(
      Plan.Target target,
      BuildTrigger trigger,
      String deliveryId,
      Workflow workflow,
      List<JobRequest> jobs) {
    if (jobs.isEmpty()) {
      return Plan.run(target, jobs, null);
    }
    String group =
        trigger.isRerun()
            ? null
            : Jobs.group(
                trigger.repository(), trigger.event(), trigger.pullRequestNumber(), trigger.ref());
    boolean cancels = group != null && workflow.cancelsSuperseded(trigger.event());
    // Every run is recorded, gated or not: the job pages (details_url), their live log and the
    // console read a job's facts and state from the run state.
    var runId = Jobs.runId(deliveryId);
    return new Plan(
        target,
        jobs,
        runId,
        cancels ? new Plan.Supersede(group, runId, trigger.commitSha()) : null,
        null,
        null,
        null);
  }

  /**
   * A single run's Re-run button re-runs only that job (its needs not waited for); every other
   * trigger runs all.
   */
  private List<JobRequest> selectRerun(BuildTrigger trigger, List<JobRequest> jobs) {
    if (!"check_run".equals(trigger.event())) {
      return jobs;
    }
    Optional<String> jobId = app.names().jobIdOf(trigger.rerunCheckName());
    if (jobId.isEmpty()) {
      return List.of();
    }
    String wanted = jobId.get().isEmpty() ? null : jobId.get();
    return jobs.stream()
        .filter(j -> Objects.equals(j.workflowJobId(), wanted))
        .map(j -> j.needs().isEmpty() ? j : j.withoutNeeds())
        .toList();
  }

  /** The job ids a held or skipped trigger reports on: a single run's Re-run, only its own. */
  private List<String> rerunIds(BuildTrigger trigger, List<String> jobIds) {
    if (!"check_run".equals(trigger.event())) {
      return jobIds;
    }
    Optional<String> jobId = app.names().jobIdOf(trigger.rerunCheckName());
    return jobId.isEmpty() ? List.of() : jobIds.stream().filter(jobId.get()::equals).toList();
  }

  /**
   * @param fetched the changed files read from GitHub for path filters, which jobs get too; null
   *     when none were read (then only a push's payload tells them)
   */
  private JobRequest request(
      BuildTrigger trigger, String deliveryId, JobSpec spec, Inputs.ChangedFiles fetched) {
    JobRequest.Builder job = Jobs.job(trigger, deliveryId, spec.id(), clock.instant());
    if (fetched != null && fetched.paths() != null) {
      job.changedFiles(fetched.paths(), fetched.complete());
    }
    return job.workflow(Workflow.PATH, spec.id())
        .runsOn(spec.runsOn() != null ? spec.runsOn() : runsOnFallback.apply(trigger.repository()))
        .script(spec.script())
        .env(spec.env())
        .timeoutSeconds(spec.timeoutSeconds())
        .needs(spec.needs())
        .github(Jobs.access(trigger, spec.permissions()))
        .build();
  }

  private JobRequest defaultJob(BuildTrigger trigger, String deliveryId) {
    return Jobs.defaultJob(
        trigger, deliveryId, clock.instant(), runsOnFallback.apply(trigger.repository()));
  }
}
