package dev.solstice.integration.workflow;

import java.util.List;
import java.util.Map;

/**
 * One job of a workflow, with what its group gave it already applied.
 *
 * @param group the enclosing group's name, or null
 * @param runsOn the job's label, else its group's; null when neither names one
 * @param timeoutSeconds null for the orchestrator's default
 * @param line 1-based line of the {@code job} node in the workflow file
 * @param permissions the job's {@code permissions} block, else the workflow's; null when neither
 *     has one (then {@link Permissions#DEFAULT})
 */
public record JobSpec(
    String id,
    String group,
    String runsOn,
    List<String> script,
    Map<String, String> env,
    Integer timeoutSeconds,
    List<String> needs,
    int line,
    Map<String, String> permissions) {

  public JobSpec {
    script = List.copyOf(script);
    env = Map.copyOf(env);
    needs = List.copyOf(needs);
    permissions = permissions == null ? null : Map.copyOf(permissions);
  }

  /** A job without a {@code permissions} block. */
  public JobSpec(
      String id,
      String group,
      String runsOn,
      List<String> script,
      Map<String, String> env,
      Integer timeoutSeconds,
      List<String> needs,
      int line) {
    this(id, group, runsOn, script, env, timeoutSeconds, needs, line, null);
  }

  /** The same job with its own {@code permissions} block. */
  public JobSpec withPermissions(Map<String, String> granted) {
    return new JobSpec(id, group, runsOn, script, env, timeoutSeconds, needs, line, granted);
  }

  /** The same job, given the workflow's {@code permissions} when it has none of its own. */
  public JobSpec inheriting(Map<String, String> workflowPermissions) {
    return permissions != null || workflowPermissions == null
        ? this
        : withPermissions(workflowPermissions);
  }
}
