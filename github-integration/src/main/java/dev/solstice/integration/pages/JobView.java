package dev.solstice.integration.pages;

import dev.solstice.jobrequest.JobRequest;
import java.util.Map;

/**
 * What a job page shows: the job, the jobs of its workflow run (by workflow job id) and their
 * states as the run state records them ({@code core.JobState}; absent while a job waits on its
 * needs).
 */
record JobView(JobRequest job, Map<String, JobRequest> run, Map<String, String> states) {

  /** The job's key in the bucket: its log path without leading slashes, else logs/<id>.log. */
  String logKey() {
    String path = job.logPath() == null ? "" : job.logPath().replaceFirst("^/+", "");
    return path.isBlank() ? "logs/" + job.requestId() + ".log" : path;
  }

  String state(String jobId) {
    return states.getOrDefault(jobId, "waiting");
  }
}
