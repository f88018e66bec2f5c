package dev.solstice.integration.workflow;

import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.RepoFile;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.intake.DefaultJobPlanner;
import dev.solstice.integration.intake.JobPlanner;
import dev.solstice.integration.intake.RequestIds;
import dev.solstice.integration.intake.WebhookDelivery;
import dev.solstice.integration.webhook.BuildTrigger;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans a trigger's jobs from {@code .solstice/workflow.kdl} read at the exact commit, and creates
 * a queued check run for each: one JobRequest per job, the default job when the commit has no
 * workflow file, and nothing but one failed check run when the file is invalid.
 */
public final class WorkflowExpander implements JobPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowExpander.class);

  private final GitHubClient github;
  private final CheckRunReporter checks;
  private final KdlWorkflowParser parser = new KdlWorkflowParser();
  private final Clock clock;
  private final Function<String, String> runsOnFallback;

  /** @param runsOnFallback label for a repository when neither job nor group names one */
  public WorkflowExpander(GitHubClient github, CheckRunReporter checks, Clock clock,
      Function<String, String> runsOnFallback) {
    this.github = github;
    this.checks = checks;
    this.clock = clock;
    this.runsOnFallback = runsOnFallback;
  }

  @Override
  public Future<List<JobRequest>> plan(BuildTrigger trigger, WebhookDelivery delivery) {
    if (trigger.checkAppId() != null && trigger.checkAppId() != checks.appId()) {
      LOG.info("ignoring {} {} of another app ({})", trigger.event(), trigger.action(), trigger.checkAppId());
      return Future.succeededFuture(List.of());
    }
    if (trigger.installationId() == null) {
      LOG.warn("{} without an installation: not sent by a GitHub App; queuing the default job without check runs",
          trigger.event());
      return Future.succeededFuture(List.of(defaultJob(trigger, delivery)));
    }
    long installation = trigger.installationId();
    RepoRef repo = RepoRef.parse(trigger.repository());
    return github.getContent(installation, repo, Workflow.PATH, trigger.commitSha())
        .compose(file -> jobsOf(trigger, delivery, file))
        .compose(jobs -> queueAll(jobs));
  }

  private Future<List<JobRequest>> jobsOf(BuildTrigger trigger, WebhookDelivery delivery, Optional<RepoFile> file) {
    if (file.isEmpty()) {
      return Future.succeededFuture(selectRerun(trigger, List.of(defaultJob(trigger, delivery))));
    }
    Workflow workflow;
    try {
      workflow = parser.parse(Workflow.PATH, file.get().content());
    } catch (InvalidWorkflowException e) {
      LOG.info("invalid workflow in {}@{}: {}", trigger.repository(), trigger.commitSha(), e.getMessage());
      return checks.invalidWorkflow(trigger.installationId(), trigger.repository(), trigger.commitSha(),
          RequestIds.of(delivery.deliveryId(), CheckRunReporter.WORKFLOW_RUN), e).map(List.of());
    }
    List<JobRequest> jobs = new ArrayList<>();
    for (JobSpec spec : workflow.jobs()) {
      jobs.add(request(trigger, delivery, spec));
    }
    return Future.succeededFuture(selectRerun(trigger, jobs));
  }

  /** A single run's Re-run button re-runs only that job; every other trigger runs all. */
  private List<JobRequest> selectRerun(BuildTrigger trigger, List<JobRequest> jobs) {
    if (!"check_run".equals(trigger.event())) {
      return jobs;
    }
    Optional<String> jobId = checks.jobIdOf(trigger.rerunCheckName());
    if (jobId.isEmpty()) {
      return List.of();
    }
    String wanted = jobId.get().isEmpty() ? null : jobId.get();
    return jobs.stream().filter(j -> java.util.Objects.equals(j.workflowJobId(), wanted)).toList();
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
    var id = RequestIds.of(delivery.deliveryId(), spec.id());
    return JobRequest.builder(id, trigger.repoUrl(), trigger.commitSha(), clock.instant())
        .workflow(Workflow.PATH, spec.id())
        .runsOn(spec.runsOn() != null ? spec.runsOn() : runsOnFallback.apply(trigger.repository()))
        .repository(trigger.repository())
        .installationId(trigger.installationId())
        .event(trigger.event())
        .ref(trigger.ref())
        .pullRequestNumber(trigger.pullRequestNumber())
        .deliveryId(delivery.deliveryId())
        .script(spec.script())
        .env(spec.env())
        .timeoutSeconds(spec.timeoutSeconds())
        .needs(spec.needs())
        .logPath(DefaultJobPlanner.logPath(id))
        .build();
  }

  private JobRequest defaultJob(BuildTrigger trigger, WebhookDelivery delivery) {
    return DefaultJobPlanner.defaultJob(trigger, delivery, clock, runsOnFallback.apply(trigger.repository()));
  }
}
