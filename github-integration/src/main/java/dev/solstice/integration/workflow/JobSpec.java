package dev.solstice.integration.workflow;

import java.util.List;
import java.util.Map;

/**
 * One job of a workflow, with what its group gave it already applied. A job with a {@code matrix}
 * is one JobSpec per combination, its values substituted.
 *
 * @param id the job's id; for a matrix cell, {@code test (jdk=21, os=linux)} ({@link
 *     Matrix#cellId})
 * @param group the enclosing group's name, or null
 * @param runsOn the job's label, else its group's; null when neither names one
 * @param timeoutSeconds null for the orchestrator's default
 * @param needs job ids, a matrix job's already widened to all its cells
 * @param line 1-based line of the {@code job} node in the workflow file
 * @param matrix a matrix cell's values (axis → value, in axis order); empty for other jobs
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
    Map<String, String> matrix,
    Map<String, String> permissions) {

  public JobSpec {
    script = List.copyOf(script);
    env = Map.copyOf(env);
    needs = List.copyOf(needs);
    matrix = matrix == null ? Map.of() : java.util.Collections.unmodifiableMap(matrix);
    permissions = permissions == null ? null : java.util.Collections.unmodifiableMap(permissions);
  }

  /** The same job, given the workflow's {@code permissions} when it has none of its own. */
  public JobSpec inheriting(Map<String, String> workflowPermissions) {
    return permissions != null || workflowPermissions == null
        ? this
        : new JobSpec(
            id,
            group,
            runsOn,
            script,
            env,
            timeoutSeconds,
            needs,
            line,
            matrix,
            workflowPermissions);
  }
}
