package dev.solstice.integration.core;

import dev.solstice.jobrequest.JobRequest;
import java.util.List;
import java.util.UUID;

/**
 * What one delivery causes, computed without I/O by {@code planning.Planner} and carried out, in
 * this order, by {@code execution.PlanExecutor}: the failed check run of an invalid workflow; the
 * check runs completed without running; a queued check run per job (file order); the run recorded;
 * the superseded head's jobs cancelled; the jobs to run now published.
 *
 * @param target where the plan applies; with no installation, nothing is written to GitHub
 * @param jobs the jobs of this trigger in file order, each with a queued check run when the target
 *     has an installation
 * @param runId non-null when the run is recorded: then only the jobs without {@code needs} are
 *     published now, and the others are held until what they need succeeded
 * @param supersede non-null when a new head cancels its branch's or pull request's previous head,
 *     or a closed pull request its head
 * @param notRun non-null when the workflow's check runs are completed without running anything
 * @param invalidWorkflow non-null when the workflow file is invalid (one failed check run)
 * @param reason why the plan is what it is, for the log; null when the jobs simply run
 */
public record Plan(
    Target target,
    List<JobRequest> jobs,
    UUID runId,
    Supersede supersede,
    NotRun notRun,
    InvalidWorkflow invalidWorkflow,
    String reason) {

  public Plan {
    jobs = List.copyOf(jobs);
  }

  /** Nothing at all: no job, no GitHub write. */
  public static Plan nothing(Target target, String reason) {
    return new Plan(target, List.of(), null, null, null, null, reason);
  }

  /** Every job published now, none held. */
  public static Plan run(Target target, List<JobRequest> jobs, String reason) {
    return new Plan(target, jobs, null, null, null, null, reason);
  }

  /** The jobs published once the plan is carried out. */
  public List<JobRequest> publishNow() {
    return runId == null ? jobs : jobs.stream().filter(j -> j.needs().isEmpty()).toList();
  }

  /** The jobs recorded with the run, published later by a result once their needs succeeded. */
  public List<JobRequest> held() {
    return runId == null ? List.of() : jobs.stream().filter(j -> !j.needs().isEmpty()).toList();
  }

  /**
   * The delivery and commit a plan is for.
   *
   * @param installationId the App installation; null when there is no GitHub to write to
   */
  public record Target(
      String deliveryId, String event, String repository, String sha, Long installationId) {}

  /**
   * Cancel the unfinished jobs (waiting, queued or running) of {@code group}'s previous head, then
   * make {@code runId} its head; or, for a closed pull request ({@link #closes()}), cancel the
   * unfinished jobs of its head.
   */
  public record Supersede(String group, UUID runId, String sha) {

    /** The pull request of {@code group} was closed: no new head. */
    public static Supersede closing(String group) {
      return new Supersede(group, null, null);
    }

    /** Whether the group's pull request was closed rather than given a new head. */
    public boolean closes() {
      return runId == null;
    }
  }

  /**
   * Check runs completed without running anything: {@code skipped}, or {@code neutral} when held
   * for a maintainer, so a required check never stays pending.
   */
  public record NotRun(String conclusion, String title, String summary, List<Check> checks) {
    public NotRun {
      checks = List.copyOf(checks);
    }
  }

  /**
   * One job's check run: its request id (reused on a replay) and job id (null for the default job).
   */
  public record Check(UUID requestId, String jobId) {}

  /** The failed check run that reports an invalid workflow file. */
  public record InvalidWorkflow(UUID requestId, InvalidWorkflowException error) {}
}
