package dev.solstice.integration.planning;

import dev.solstice.integration.core.JobState;
import dev.solstice.integration.core.RunStep;
import dev.solstice.jobrequest.JobRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Decisions on a recorded run's jobs, from the run's jobs and their states alone. */
public final class RunPlanner {

  private RunPlanner() {}

  /**
   * What job {@code done} finishing with {@code conclusion} causes. After a success, the jobs that
   * need it, are still waiting and whose needs have all succeeded are enqueued; after anything
   * else, every waiting job that (transitively) needs it is skipped.
   *
   * @param jobs the run's jobs by workflow job id
   * @param states the run's job states, {@code done}'s already recorded
   */
  public static RunStep afterResult(
      String done, String conclusion, Map<String, JobRequest> jobs, Map<String, String> states) {
    return "success".equals(conclusion)
        ? new RunStep(ready(done, jobs, states), List.of())
        : new RunStep(List.of(), dependents(done, conclusion, jobs, states));
  }

  private static List<JobRequest> ready(
      String done, Map<String, JobRequest> jobs, Map<String, String> states) {
    List<JobRequest> ready = new ArrayList<>();
    for (JobRequest job : jobs.values()) {
      if (job.needs().contains(done)
          && states.get(job.workflowJobId()) == null
          && job.needs().stream().allMatch(n -> JobState.succeeded(states.get(n)))) {
        ready.add(job);
      }
    }
    return ready;
  }

  private static List<RunStep.Skip> dependents(
      String failed, String conclusion, Map<String, JobRequest> jobs, Map<String, String> states) {
    Set<String> doomed = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(failed));
    while (!todo.isEmpty()) {
      String current = todo.poll();
      for (JobRequest job : jobs.values()) {
        if (job.needs().contains(current) && doomed.add(job.workflowJobId())) {
          todo.add(job.workflowJobId());
        }
      }
    }
    List<RunStep.Skip> skips = new ArrayList<>();
    for (String id : doomed) {
      JobRequest job = jobs.get(id);
      if (states.get(id) != null) {
        continue;
      }
      String why =
          job.needs().contains(failed)
              ? "`" + failed + "` concluded `" + conclusion + "`."
              : "`"
                  + failed
                  + "`, which "
                  + String.join(", ", job.needs().stream().map(p -> "`" + p + "`").toList())
                  + " needs, concluded `"
                  + conclusion
                  + "`.";
      skips.add(new RunStep.Skip(job, "Not run: " + why));
    }
    return skips;
  }

  /**
   * The jobs of a superseded run (or a closed pull request's) that are cancelled: those not
   * finished (waiting, queued, or running).
   */
  public static List<JobRequest> cancellable(
      Map<String, JobRequest> jobs, Map<String, String> states) {
    return jobs.values().stream()
        .filter(j -> !JobState.terminal(states.get(j.workflowJobId())))
        .toList();
  }
}
