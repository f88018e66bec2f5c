package dev.solstice.integration.core;

import dev.solstice.jobrequest.JobRequest;

/**
 * Where a check run's "Details" link goes (issue 16): the service's own job page ({@code
 * PUBLIC_URL/jobs/<request_id>}) when it serves one, else {@code LOGS_BASE_URL} + the job's log
 * path (a deployment that serves logs elsewhere, or the raw object in the log bucket).
 *
 * @param base {@code PUBLIC_URL} or {@code LOGS_BASE_URL}, without a trailing slash; null for no
 *     link
 * @param jobPages whether {@code base} is this service, which serves {@code /jobs/<request_id>}
 */
public record JobLinks(String base, boolean jobPages) {

  /** The path of a job's page on this service. */
  public static final String JOB_PATH = "/jobs/";

  /** Links to the log at {@code logsBaseUrl} + log path; none when it is null. */
  public static JobLinks logs(String logsBaseUrl) {
    return new JobLinks(logsBaseUrl, false);
  }

  /** Links to this service's job pages under {@code publicUrl}. */
  public static JobLinks jobPages(String publicUrl) {
    return new JobLinks(publicUrl, true);
  }

  /** The job's details_url; null when there is nothing to link to. */
  public String detailsUrl(JobRequest job) {
    if (base == null) {
      return null;
    }
    if (jobPages) {
      return base + JOB_PATH + job.requestId();
    }
    return job.logPath() == null ? null : base + job.logPath();
  }
}
