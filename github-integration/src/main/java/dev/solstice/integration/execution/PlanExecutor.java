package dev.solstice.integration.execution;

import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.ops.LogContext;
import dev.solstice.integration.planning.Inputs;
import dev.solstice.integration.planning.Step;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a delivery's effects happen: reads what the planner asks for, and carries a {@link
 * Plan} out, in order: the invalid workflow's failed check run; the check runs completed without
 * running; a queued check run per job, in file order (reused on a replay: the request_id → check
 * run map); the run recorded and the superseded head's jobs cancelled ({@link RunCoordinator}); the
 * jobs to run now published with confirms. Every step is idempotent, so a failed delivery can be
 * carried out again.
 */
public final class PlanExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(PlanExecutor.class);

  private final GitHubSide gitHub;
  private final Publisher publisher;
  private final IntConsumer published;
  private final JobCredentials credentials;

  /**
   * What a plan needs of GitHub: the App's client, its check runs and the runs of a delivery; all
   * or nothing.
   */
  public record GitHubSide(GitHubClient client, CheckRunReporter checks, RunCoordinator runs) {}

  /**
   * @param gitHub null without a GitHub App (then plans carry no GitHub work)
   * @param published told how many JobRequests each plan published (for metrics)
   */
  public PlanExecutor(GitHubSide gitHub, Publisher publisher, IntConsumer published) {
    this(gitHub, publisher, published, null);
  }

  /**
   * @param credentials issues each published job its token (issue 13); null without a gateway
   */
  public PlanExecutor(
      GitHubSide gitHub, Publisher publisher, IntConsumer published, JobCredentials credentials) {
    this.gitHub = gitHub;
    this.publisher = publisher;
    this.published = published;
    this.credentials = credentials;
  }

  /** Where JobRequests go: {@code amqp.JobPublisher#publishAll}, persistent and confirmed. */
  @FunctionalInterface
  public interface Publisher {
    /** Completes once the broker confirmed every request. */
    Future<Void> publishAll(List<JobRequest> jobs);
  }

  /** Reads what the planner asked for, and returns the inputs with it added. */
  public Future<Inputs> read(Step.Read read, Inputs inputs) {
    RepoRef repo = RepoRef.parse(read.repository());
    if (read instanceof Step.ReadWorkflow w) {
      if (w.fromBase()) {
        LOG.info(
            "{}: the head is untrusted, reading the workflow from the base ({})",
            w.repository(),
            w.ref());
      }
      return gitHub
          .client()
          .getContent(w.installationId(), repo, Workflow.PATH, w.ref())
          .map(
              file ->
                  inputs.withWorkflow(
                      new Inputs.WorkflowFile(w.ref(), file.map(f -> f.content()).orElse(null))));
    }
    if (read instanceof Step.ReadPullRequestFiles p) {
      return gitHub
          .client()
          .listPullRequestFiles(p.installationId(), repo, p.pullRequest())
          .map(
              f ->
                  inputs.withChangedFiles(
                      new Inputs.ChangedFiles(f.complete() ? f.files() : null)));
    }
    Step.ReadComparedFiles c = (Step.ReadComparedFiles) read;
    return gitHub
        .client()
        .compareFiles(c.installationId(), repo, c.base(), c.head())
        .map(
            f -> inputs.withChangedFiles(new Inputs.ChangedFiles(f.complete() ? f.files() : null)));
  }

  /** Carries the plan out; completes once every JobRequest it publishes now was confirmed. */
  public Future<Void> execute(Plan plan) {
    Plan.Target target = plan.target();
    if (plan.reason() != null) {
      LogContext.with(
          target.deliveryId(),
          target.event(),
          target.repository(),
          () -> LOG.info("{}", plan.reason()));
    }
    if (target.installationId() == null) {
      return publish(plan.publishNow());
    }
    long installation = target.installationId();
    Future<Void> reported = Future.succeededFuture();
    if (plan.invalidWorkflow() != null) {
      reported =
          gitHub
              .checks()
              .invalidWorkflow(
                  installation,
                  target.repository(),
                  target.sha(),
                  plan.invalidWorkflow().requestId(),
                  plan.invalidWorkflow().error());
    }
    if (plan.notRun() != null) {
      reported =
          reported.compose(
              v ->
                  gitHub
                      .checks()
                      .notRun(installation, target.repository(), target.sha(), plan.notRun()));
    }
    return reported
        .compose(v -> queue(plan.jobs()))
        .compose(queued -> record(plan, queued))
        .compose(this::publish);
  }

  /**
   * The queued check runs, created one after the other on purpose: the client paces writes per
   * installation anyway, and creating them in file order shows them in that order on the commit.
   */
  private Future<List<JobRequest>> queue(List<JobRequest> jobs) {
    return inOrder(jobs, job -> gitHub.checks().queue(job));
  }

  /** {@code step} applied to each item, one after the other; the results in the items' order. */
  static <T, R> Future<List<R>> inOrder(List<T> items, Function<T, Future<R>> step) {
    Future<List<R>> chain = Future.succeededFuture(new ArrayList<>());
    for (T item : items) {
      chain =
          chain.compose(
              done ->
                  step.apply(item)
                      .map(
                          r -> {
                            done.add(r);
                            return done;
                          }));
    }
    return chain;
  }

  /**
   * Records the run (holding the jobs with needs) and supersedes the previous head; returns the
   * jobs to publish now.
   */
  private Future<List<JobRequest>> record(Plan plan, List<JobRequest> queued) {
    if (plan.runId() == null) {
      return Future.succeededFuture(queued);
    }
    Future<List<JobRequest>> started = gitHub.runs().start(plan.runId(), queued);
    Plan.Supersede supersede = plan.supersede();
    return supersede == null
        ? started
        : started.compose(
            now ->
                gitHub
                    .runs()
                    .supersede(supersede.group(), supersede.runId(), supersede.sha())
                    .map(now));
  }

  private Future<Void> publish(List<JobRequest> jobs) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<List<JobRequest>> ready =
        credentials == null ? Future.succeededFuture(jobs) : credentials.attach(jobs);
    return ready.compose(publisher::publishAll).onSuccess(v -> published.accept(jobs.size()));
  }
}
