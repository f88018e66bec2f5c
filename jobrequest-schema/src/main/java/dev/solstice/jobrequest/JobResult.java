package dev.solstice.jobrequest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Progress or outcome of one job, published by an orchestrator on {@code solstice.results} with
 * routing key {@code jobresult.v1}. A {@code started} report moves the check run to in_progress; a
 * {@code completed} one (with a {@link Conclusion}) completes it.
 *
 * @param logTail last part of the log, at most 65,535 characters; null if none
 * @param checkRunId echoed from the {@link JobRequest}; null if the request carried none
 */
@JsonInclude(Include.NON_NULL)
public record JobResult(
    @JsonProperty("schema_version") String schemaVersion,
    @JsonProperty("request_id") UUID requestId,
    @JsonProperty("status") JobStatus status,
    @JsonProperty("conclusion") Conclusion conclusion,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("finished_at") Instant finishedAt,
    @JsonProperty("summary") String summary,
    @JsonProperty("log_url") String logUrl,
    @JsonProperty("log_tail") String logTail,
    @JsonProperty("annotations") @JsonInclude(Include.NON_EMPTY) List<Annotation> annotations,
    @JsonProperty("repository") String repository,
    @JsonProperty("commit_sha") String commitSha,
    @JsonProperty("installation_id") Long installationId,
    @JsonProperty("workflow_job_id") String workflowJobId,
    @JsonProperty("check_run_id") Long checkRunId) {

  public static final String SCHEMA_VERSION = "jobresult.v1";

  public JobResult {
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
    if (status == JobStatus.COMPLETED && conclusion == null) {
      throw new IllegalArgumentException("a completed JobResult needs a conclusion");
    }
  }

  /** A {@code started} report for the given request, echoing its routing facts. */
  public static JobResult started(JobRequest request, Instant startedAt) {
    return new JobResult(
        SCHEMA_VERSION,
        request.requestId(),
        JobStatus.STARTED,
        null,
        startedAt,
        null,
        null,
        null,
        null,
        List.of(),
        request.repository(),
        request.commitSha(),
        request.installationId(),
        request.workflowJobId(),
        request.checkRunId());
  }

  /** A {@code completed} report for the given request, echoing its routing facts. */
  public static JobResult completed(
      JobRequest request,
      Conclusion conclusion,
      Instant startedAt,
      Instant finishedAt,
      String summary,
      String logUrl,
      String logTail,
      List<Annotation> annotations) {
    return new JobResult(
        SCHEMA_VERSION,
        request.requestId(),
        JobStatus.COMPLETED,
        conclusion,
        startedAt,
        finishedAt,
        summary,
        logUrl,
        logTail,
        annotations,
        request.repository(),
        request.commitSha(),
        request.installationId(),
        request.workflowJobId(),
        request.checkRunId());
  }

  /** A finding to show on a line of a file, as a check-run annotation. */
  @JsonInclude(Include.NON_NULL)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Annotation(
      String path, int line, Integer endLine, Level level, String message, String title) {

    /** GitHub's annotation levels. */
    public enum Level {
      @JsonProperty("notice")
      NOTICE,
      @JsonProperty("warning")
      WARNING,
      @JsonProperty("failure")
      FAILURE
    }
  }
}
