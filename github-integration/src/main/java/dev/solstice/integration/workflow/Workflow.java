package dev.solstice.integration.workflow;

import dev.solstice.integration.policy.Triggers;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, validated {@code .solstice/workflow.kdl}: its jobs in file order, its {@code on}
 * section and its superseded-run setting.
 *
 * @param on the {@code on} section; null when the file has none (every push and pull request runs)
 * @param cancelSupersededPush whether a new push to a branch cancels the still-queued jobs of its
 *     previous head (default false)
 * @param cancelSupersededPullRequest the same for a pull request's new head (default true)
 * @param permissions the top-level {@code permissions} block (scope → access, as written, not
 *     validated here); null when the file has none
 */
public record Workflow(
    String name,
    List<JobSpec> jobs,
    Triggers on,
    boolean cancelSupersededPush,
    boolean cancelSupersededPullRequest,
    Map<String, String> permissions) {

  /** Where the workflow lives in a repository. */
  public static final String PATH = ".solstice/workflow.kdl";

  public Workflow {
    jobs = List.copyOf(jobs);
    permissions = permissions == null ? null : java.util.Collections.unmodifiableMap(permissions);
  }

  public Workflow(
      String name,
      List<JobSpec> jobs,
      Triggers on,
      boolean cancelSupersededPush,
      boolean cancelSupersededPullRequest) {
    this(name, jobs, on, cancelSupersededPush, cancelSupersededPullRequest, null);
  }

  public Workflow(String name, List<JobSpec> jobs) {
    this(name, jobs, null, false, true);
  }

  public Optional<JobSpec> job(String id) {
    return jobs.stream().filter(j -> j.id().equals(id)).findFirst();
  }

  /**
   * Whether a new head of the trigger's branch or pull request cancels the previous head's queued
   * jobs.
   */
  public boolean cancelsSuperseded(String event) {
    return "pull_request".equals(event)
        ? cancelSupersededPullRequest
        : "push".equals(event) && cancelSupersededPush;
  }
}
