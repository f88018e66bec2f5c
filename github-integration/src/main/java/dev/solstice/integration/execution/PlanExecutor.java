package dev.solstice.integration.execution;

import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.PullRequestRef;
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
  private final dev.solstice.integration.record.RecordStore record;

  /** Runs of an installation looked at for held jobs when it goes (newest first). */
  static final int HELD_RUNS_LIMIT = 1_000;

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
    this(gitHub, publisher, published, null, null);
  }

  /**
   * @param record the record of installations and deliveries (issue 15); null for none
   * @param credentials issues each published job its token (issue 13); null without a gateway
   */
  public PlanExecutor(
      GitHubSide gitHub,
      Publisher publisher,
      IntConsumer published,
      dev.solstice.integration.record.RecordStore record,
      JobCredentials credentials) {
    this.gitHub = gitHub;
    this.publisher = publisher;
    this.published = published;
    this.record = record;
    this.credentials = credentials;
  }

  /**
   * What the record knows of an installation, read before planning: the planner gives a deleted or
   * suspended one nothing. Without a record, or when it cannot answer, {@code UNKNOWN} (served).
   */
  public Future<dev.solstice.integration.core.InstallationStatus> installation(
      Long installationId) {
    if (installationId == null || record == null) {
      return Future.succeededFuture(dev.solstice.integration.core.InstallationStatus.UNKNOWN);
    }
    return record
        .status(installationId)
        .otherwise(dev.solstice.integration.core.InstallationStatus.UNKNOWN);
  }

  /**
   * Carries out an installation change: the record updated (written behind); when the installation
   * is deleted or suspended, its cached tokens dropped and the jobs its runs still hold (waiting on
   * needs, never published) cancelled, without a GitHub call. Finding those runs needs the record;
   * when it cannot answer they are not cancelled, and say so in the log.
   */
  public Future<Void> apply(dev.solstice.integration.core.InstallationChange change) {
    if (record != null) {
      record.apply(change);
    }
    LOG.info(
        "installation {}: {} {} ({} repositories added, {} removed)",
        change.installationId(),
        change.event(),
        change.action(),
        change.added().size(),
        change.removed().size());
    if (!change.status().gone() || gitHub == null) {
      return Future.succeededFuture();
    }
    long id = change.installationId();
    String reason = "installation " + id + " " + change.action();
    return gitHub
        .client()
        .forgetInstallation(id)
        .recover(
            e -> {
              LOG.warn("installation {}: could not drop its cached tokens: {}", id, e.toString());
              return Future.succeededFuture();
            })
        .compose(v -> cancelHeld(id, reason));
  }

  private Future<Void> cancelHeld(long installationId, String reason) {
    if (record == null || !record.enabled()) {
      return Future.succeededFuture();
    }
    return record
        .deliveriesWithJobs(installationId, HELD_RUNS_LIMIT)
        .compose(
            deliveries -> {
              Future<Integer> chain = Future.succeededFuture(0);
              for (String delivery : deliveries) {
                chain =
                    chain.compose(
                        n ->
                            gitHub
                                .runs()
                                .cancelHeld(RunCoordinator.runId(delivery), reason)
                                .map(m -> n + m));
              }
              return chain;
            })
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("installation {}: cancelled {} held jobs", installationId, n);
              }
            })
        .recover(
            e -> {
              LOG.warn(
                  "installation {}: the record could not list its runs ({}); jobs they hold are"
                      + " not cancelled",
                  installationId,
                  e.toString());
              return Future.succeededFuture(0);
            })
        .mapEmpty();
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
          .map(f -> inputs.withChangedFiles(new Inputs.ChangedFiles(f.files(), f.complete())));
    }
    if (read instanceof Step.ReadPullRequestOfCommit p) {
      return gitHub
          .client()
          .listPullRequestsOfCommit(p.installationId(), repo, p.sha())
          .map(pulls -> inputs.withPullRequest(pullRequestOf(p, pulls)));
    }
    Step.ReadComparedFiles c = (Step.ReadComparedFiles) read;
    return gitHub
        .client()
        .compareFiles(c.installationId(), repo, c.base(), c.head())
        .map(f -> inputs.withChangedFiles(new Inputs.ChangedFiles(f.files(), f.complete())));
  }

  /**
   * The open pull request of the commit: the one the event named, else the first whose head it is;
   * {@link PullRequestRef#NONE} when GitHub lists none.
   */
  static PullRequestRef pullRequestOf(
      Step.ReadPullRequestOfCommit read, List<PullRequestRef> pulls) {
    return pulls.stream()
        .filter(pr -> "open".equals(pr.state()) && read.sha().equals(pr.headSha()))
        .filter(pr -> read.pullRequest() == null || read.pullRequest() == pr.number())
        .findFirst()
        .orElse(PullRequestRef.NONE);
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
    Future<List<JobRequest>> started =
        plan.runId() == null
            ? Future.succeededFuture(queued)
            : gitHub.runs().start(plan.runId(), queued);
    Plan.Supersede supersede = plan.supersede();
    if (supersede == null) {
      return started;
    }
    return started.compose(
        now ->
            (supersede.closes()
                    ? gitHub.runs().close(supersede.group())
                    : gitHub
                        .runs()
                        .supersede(supersede.group(), supersede.runId(), supersede.sha()))
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
