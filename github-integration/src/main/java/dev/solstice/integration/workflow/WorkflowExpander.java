package dev.solstice.integration.workflow;

import dev.solstice.integration.core.InvalidWorkflowException;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.policy.EventFilter;
import dev.solstice.integration.policy.PolicySettings;
import dev.solstice.integration.policy.TriggerPolicy;
import dev.solstice.integration.policy.Verdict;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.RepoFile;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.intake.DefaultJobPlanner;
import dev.solstice.integration.intake.JobPlanner;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import dev.solstice.integration.ops.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans a trigger's jobs from {@code .solstice/workflow.kdl} and creates a queued check run for each.
 *
 * <p>In order: the service's policies ({@link TriggerPolicy#admission}: a denied repository gets
 * nothing, not even a GitHub call; a skip marker skips; a fork pull request may be held); the
 * workflow file, read at the exact commit, or at the pull request's base when the head is an
 * untrusted fork's (so a fork cannot rewrite what runs); its {@code on} section, path filters
 * included (changed files from the push payload, the compare API or the pull request's files). A
 * trigger that does not run completes the workflow's check runs as {@code skipped} ({@code neutral}
 * when held), so required checks never stay pending. A trigger that runs gets one JobRequest per job;
 * with a {@link RunCoordinator}, only the jobs without {@code needs} are returned for enqueueing (the
 * rest wait for their needs), and a new head of a pull request (or branch, per workflow) cancels the
 * previous head's jobs that did not start. No workflow file: the default job. An invalid file: one
 * failed check run.
 */
public final class WorkflowExpander implements JobPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowExpander.class);
  private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

  private final GitHubClient github;
  private final CheckRunReporter checks;
  private final KdlWorkflowParser parser = new KdlWorkflowParser();
  private final Clock clock;
  private final Function<String, String> runsOnFallback;
  private final PolicySettings policy;
  private final RunCoordinator runs;

  /** @param runsOnFallback label for a repository when neither job nor group names one */
  public WorkflowExpander(GitHubClient github, CheckRunReporter checks, Clock clock,
      Function<String, String> runsOnFallback) {
    this(github, checks, clock, runsOnFallback, PolicySettings.defaults(), null);
  }

  /**
   * @param policy the service's repository and fork policies
   * @param runs gates jobs on their needs and cancels superseded runs; null enqueues every job at once
   */
  public WorkflowExpander(GitHubClient github, CheckRunReporter checks, Clock clock,
      Function<String, String> runsOnFallback, PolicySettings policy, RunCoordinator runs) {
    this.github = github;
    this.checks = checks;
    this.clock = clock;
    this.runsOnFallback = runsOnFallback;
    this.policy = policy;
    this.runs = runs;
  }

  @Override
  public Future<List<JobRequest>> plan(BuildTrigger trigger, WebhookDelivery delivery) {
    if (trigger.checkAppId() != null && trigger.checkAppId() != checks.appId()) {
      log(trigger, delivery, () -> LOG.info("ignoring {} {} of another app ({})", trigger.event(), trigger.action(), trigger.checkAppId()));
      return Future.succeededFuture(List.of());
    }
    Verdict admission = TriggerPolicy.admission(trigger, policy);
    if (admission.kind() == Verdict.Kind.DENY) {
      log(trigger, delivery, () -> LOG.info("not serving {} {}: {}", trigger.event(), trigger.repository(), admission.reason()));
      return Future.succeededFuture(List.of());
    }
    if (trigger.installationId() == null) {
      if (!admission.runs()) {
        log(trigger, delivery, () -> LOG.info("not running {} of {}: {}", trigger.event(), trigger.repository(), admission.reason()));
        return Future.succeededFuture(List.of());
      }
      LOG.warn("{} without an installation: not sent by a GitHub App; queuing the default job without check runs",
          trigger.event());
      return Future.succeededFuture(List.of(defaultJob(trigger, delivery)));
    }
    long installation = trigger.installationId();
    RepoRef repo = RepoRef.parse(trigger.repository());
    boolean fromBase = admission.kind() == Verdict.Kind.HOLD || TriggerPolicy.untrustedHead(trigger);
    String workflowRef = trigger.commitSha();
    if (fromBase) {
      workflowRef = trigger.baseSha() != null ? trigger.baseSha() : trigger.baseRef();
      if (workflowRef == null) {
        return Future.failedFuture(new dev.solstice.integration.core.InvalidWebhookException(
            "missing field: pull_request.base.sha (a fork pull request's workflow is read from its base)"));
      }
      String baseRef = workflowRef;
      log(trigger, delivery, () -> LOG.info("{} #{} from {}: reading the workflow from the base ({})", trigger.repository(),
          trigger.pullRequestNumber(), trigger.headRepository(), baseRef));
    }
    return github.getContent(installation, repo, Workflow.PATH, workflowRef)
        .compose(file -> jobsOf(trigger, delivery, file, admission));
  }

  private Future<List<JobRequest>> jobsOf(BuildTrigger trigger, WebhookDelivery delivery, Optional<RepoFile> file,
      Verdict admission) {
    if (file.isEmpty()) {
      if (!admission.runs()) {
        return notRun(trigger, delivery, java.util.Collections.singletonList(null), admission);
      }
      if (TriggerPolicy.evaluate(null, trigger).kind() == Verdict.Kind.IGNORE) {
        return Future.succeededFuture(List.of());
      }
      return queueAll(selectRerun(trigger, List.of(defaultJob(trigger, delivery))));
    }
    Workflow workflow;
    try {
      workflow = parser.parse(Workflow.PATH, file.get().content());
    } catch (InvalidWorkflowException e) {
      log(trigger, delivery, () -> LOG.info("invalid workflow in {}@{}: {}", trigger.repository(), file.get().ref(), e.getMessage()));
      return checks.invalidWorkflow(trigger.installationId(), trigger.repository(), trigger.commitSha(),
          RequestIds.of(delivery.deliveryId(), CheckRunReporter.WORKFLOW_RUN), e).map(List.of());
    }
    List<String> jobIds = workflow.jobs().stream().map(JobSpec::id).toList();
    if (!admission.runs()) {
      return notRun(trigger, delivery, jobIds, admission);
    }
    Verdict verdict = TriggerPolicy.evaluate(workflow.on(), trigger);
    EventFilter pathFilter = verdict.runs() ? TriggerPolicy.pathFilter(workflow.on(), trigger) : null;
    Future<Verdict> decided = pathFilter == null ? Future.succeededFuture(verdict)
        : changedFiles(trigger).map(files -> TriggerPolicy.paths(pathFilter, files));
    return decided.compose(v -> {
      if (v.kind() == Verdict.Kind.IGNORE) {
        log(trigger, delivery, () -> LOG.info("{} {} of {}: {}", trigger.event(), trigger.action(), trigger.repository(), v.reason()));
        return Future.succeededFuture(List.of());
      }
      if (!v.runs()) {
        return notRun(trigger, delivery, jobIds, v);
      }
      List<JobRequest> jobs = new ArrayList<>();
      for (JobSpec spec : workflow.jobs()) {
        jobs.add(request(trigger, delivery, spec));
      }
      return queueAll(selectRerun(trigger, jobs)).compose(queued -> coordinate(trigger, delivery, workflow, queued));
    });
  }

  private static void log(BuildTrigger trigger, WebhookDelivery delivery, Runnable line) {
    LogContext.with(delivery.deliveryId(), trigger.event(), trigger.repository(), line);
  }

  /** The files the trigger changes; null when they cannot be known (then path filters let it run). */
  private Future<List<String>> changedFiles(BuildTrigger trigger) {
    long installation = trigger.installationId();
    RepoRef repo = RepoRef.parse(trigger.repository());
    if (trigger.isPullRequest()) {
      return github.listPullRequestFiles(installation, repo, trigger.pullRequestNumber())
          .map(f -> f.complete() ? f.files() : null);
    }
    if (trigger.changedFiles() != null) {
      return Future.succeededFuture(trigger.changedFiles());
    }
    if (trigger.beforeSha() == null || ZERO_SHA.equals(trigger.beforeSha())) {
      return Future.succeededFuture(null); // a new branch or tag: nothing to compare with
    }
    return github.compareFiles(installation, repo, trigger.beforeSha(), trigger.commitSha())
        .map(f -> f.complete() ? f.files() : null);
  }

  /** Completes the check runs of jobs that will not run: skipped, or neutral when held. */
  private Future<List<JobRequest>> notRun(BuildTrigger trigger, WebhookDelivery delivery, List<String> jobIds,
      Verdict verdict) {
    log(trigger, delivery, () -> LOG.info("not running {} of {}@{}: {}", trigger.event(), trigger.repository(), trigger.commitSha(),
        verdict.reason()));
    boolean held = verdict.kind() == Verdict.Kind.HOLD;
    List<CheckRunReporter.NotRun> runsToPost = jobIds.stream().map(id -> new CheckRunReporter.NotRun(
        RequestIds.of(delivery.deliveryId(), id == null ? RequestIds.DEFAULT_JOB : id), id)).toList();
    return checks.notRun(trigger.installationId(), trigger.repository(), trigger.commitSha(), runsToPost,
        held ? "neutral" : "skipped", held ? "Waiting for a maintainer" : "Skipped", verdict.reason())
        .map(List.of());
  }

  /** With a coordinator: cancels the superseded head's jobs, and holds back the jobs with needs. */
  private Future<List<JobRequest>> coordinate(BuildTrigger trigger, WebhookDelivery delivery, Workflow workflow,
      List<JobRequest> queued) {
    if (runs == null || queued.isEmpty() || queued.get(0).installationId() == null) {
      return Future.succeededFuture(queued);
    }
    java.util.UUID runId = RunCoordinator.runId(delivery.deliveryId());
    String group = trigger.isRerun() ? null
        : RunCoordinator.group(trigger.repository(), trigger.event(), trigger.pullRequestNumber(), trigger.ref());
    boolean cancels = group != null && workflow.cancelsSuperseded(trigger.event());
    boolean gated = queued.stream().anyMatch(j -> !j.needs().isEmpty());
    if (!cancels && !gated) {
      return Future.succeededFuture(queued);
    }
    Future<List<JobRequest>> started = runs.start(runId, queued);
    return cancels ? started.compose(now -> runs.supersede(group, runId, trigger.commitSha()).map(now)) : started;
  }

  /** A single run's Re-run button re-runs only that job (its needs not waited for); every other trigger runs all. */
  private List<JobRequest> selectRerun(BuildTrigger trigger, List<JobRequest> jobs) {
    if (!"check_run".equals(trigger.event())) {
      return jobs;
    }
    Optional<String> jobId = checks.jobIdOf(trigger.rerunCheckName());
    if (jobId.isEmpty()) {
      return List.of();
    }
    String wanted = jobId.get().isEmpty() ? null : jobId.get();
    return jobs.stream().filter(j -> java.util.Objects.equals(j.workflowJobId(), wanted))
        .map(j -> j.needs().isEmpty() ? j : withoutNeeds(j)).toList();
  }

  private static JobRequest withoutNeeds(JobRequest j) {
    return new JobRequest(j.schemaVersion(), j.requestId(), j.source(), j.repoUrl(), j.commitSha(), j.workflowPath(),
        j.workflowJobId(), j.runsOn(), j.submittedAt(), j.repository(), j.installationId(), j.event(), j.ref(),
        j.pullRequestNumber(), j.deliveryId(), j.script(), j.env(), j.timeoutSeconds(), List.of(), j.checkRunId(),
        j.logPath());
  }

  private Future<List<JobRequest>> queueAll(List<JobRequest> jobs) {
    if (jobs.isEmpty() || jobs.get(0).installationId() == null) {
      return Future.succeededFuture(jobs);
    }
    // Sequential on purpose: the client paces writes per installation anyway, and creating the
    // runs in file order shows them in that order on the commit.
    Future<List<JobRequest>> chain = Future.succeededFuture(new ArrayList<>());
    for (JobRequest job : jobs) {
      chain = chain.compose(done -> checks.queue(job).map(queued -> {
        done.add(queued);
        return done;
      }));
    }
    return chain;
  }

  private JobRequest request(BuildTrigger trigger, WebhookDelivery delivery, JobSpec spec) {
    return DefaultJobPlanner.job(trigger, delivery, spec.id(), clock)
        .workflow(Workflow.PATH, spec.id())
        .runsOn(spec.runsOn() != null ? spec.runsOn() : runsOnFallback.apply(trigger.repository()))
        .script(spec.script())
        .env(spec.env())
        .timeoutSeconds(spec.timeoutSeconds())
        .needs(spec.needs())
        .build();
  }

  private JobRequest defaultJob(BuildTrigger trigger, WebhookDelivery delivery) {
    return DefaultJobPlanner.defaultJob(trigger, delivery, clock, runsOnFallback.apply(trigger.repository()));
  }
}
