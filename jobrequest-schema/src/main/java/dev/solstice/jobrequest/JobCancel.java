package dev.solstice.jobrequest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * Asks the orchestrator not to run (or to stop) a job it was sent, published on the jobs exchange
 * with routing key {@code jobcancel.v1} ({@link
 * dev.solstice.jobrequest.amqp.QueueTopology#cancelsOf}). The orchestrator answers with a {@code
 * completed} JobResult of conclusion {@code cancelled} for a job it had not finished, and ignores a
 * cancel of a finished or unknown job (remembering it for a while, since the cancel may overtake
 * the request).
 *
 * @param requestId the JobRequest to cancel
 * @param reason {@code superseded} (a newer commit of the branch or pull request), {@code closed}
 *     (the pull request was closed or merged) or another word
 * @param supersededBy for {@code superseded}: the commit that replaced the job's commit
 */
@JsonInclude(Include.NON_NULL)
public record JobCancel(
    @JsonProperty("schema_version") String schemaVersion,
    @JsonProperty("request_id") UUID requestId,
    @JsonProperty("reason") String reason,
    @JsonProperty("cancelled_at") Instant cancelledAt,
    @JsonProperty("superseded_by") String supersededBy,
    @JsonProperty("repository") String repository,
    @JsonProperty("commit_sha") String commitSha,
    @JsonProperty("workflow_job_id") String workflowJobId,
    @JsonProperty("check_run_id") Long checkRunId) {

  public static final String SCHEMA_VERSION = "jobcancel.v1";
  public static final String SUPERSEDED = "superseded";
  public static final String CLOSED = "closed";

  /** Cancels the request because a newer commit replaced its commit. */
  public static JobCancel superseded(JobRequest request, String newSha, Instant at) {
    return new JobCancel(
        SCHEMA_VERSION,
        request.requestId(),
        SUPERSEDED,
        at,
        newSha,
        request.repository(),
        request.commitSha(),
        request.workflowJobId(),
        request.checkRunId());
  }

  /** Cancels the request because its pull request was closed (or merged). */
  public static JobCancel closed(JobRequest request, Instant at) {
    return new JobCancel(
        SCHEMA_VERSION,
        request.requestId(),
        CLOSED,
        at,
        null,
        request.repository(),
        request.commitSha(),
        request.workflowJobId(),
        request.checkRunId());
  }

  /**
   * The AMQP message id of the cancel: name-based on the request id, so a repeat is recognisable.
   */
  public UUID messageId() {
    return UUID.nameUUIDFromBytes(
        ("solstice:cancel:" + requestId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
