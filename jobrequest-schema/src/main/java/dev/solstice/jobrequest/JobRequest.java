package dev.solstice.jobrequest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One CI job, as published on {@code solstice.jobs} with routing key {@code jobrequest.v1}.
 *
 * <p>The first nine components are the fields existing consumers rely on and are always written
 * (nullable ones as JSON {@code null}). The rest are optional additions of v1: they are omitted
 * when null or empty, and readers that do not know them ignore them.
 *
 * @param requestId unique per job; stable across redeliveries of the same webhook
 * @param commitSha the exact commit to build
 * @param workflowPath null for the default job of a repository without a workflow file
 * @param workflowJobId null for the default job
 * @param runsOn runner label, null to let the orchestrator choose
 * @param timeoutSeconds null for the orchestrator's default
 * @param checkRunId GitHub check run of this job, to be echoed in {@link JobResult}s; null if none
 *     yet
 */
public record JobRequest(
    @JsonProperty("schema_version") String schemaVersion,
    @JsonProperty("request_id") UUID requestId,
    @JsonProperty("source") String source,
    @JsonProperty("repo_url") String repoUrl,
    @JsonProperty("commit_sha") String commitSha,
    @JsonProperty("workflow_path") String workflowPath,
    @JsonProperty("workflow_job_id") String workflowJobId,
    @JsonProperty("runs_on") String runsOn,
    @JsonProperty("submitted_at") Instant submittedAt,
    @JsonProperty("repository") @JsonInclude(Include.NON_NULL) String repository,
    @JsonProperty("installation_id") @JsonInclude(Include.NON_NULL) Long installationId,
    @JsonProperty("event") @JsonInclude(Include.NON_NULL) String event,
    @JsonProperty("ref") @JsonInclude(Include.NON_NULL) String ref,
    @JsonProperty("pull_request_number") @JsonInclude(Include.NON_NULL) Integer pullRequestNumber,
    @JsonProperty("delivery_id") @JsonInclude(Include.NON_NULL) String deliveryId,
    @JsonProperty("script") @JsonInclude(Include.NON_EMPTY) List<String> script,
    @JsonProperty("env") @JsonInclude(Include.NON_EMPTY) Map<String, String> env,
    @JsonProperty("timeout_seconds") @JsonInclude(Include.NON_NULL) Integer timeoutSeconds,
    @JsonProperty("needs") @JsonInclude(Include.NON_EMPTY) List<String> needs,
    @JsonProperty("check_run_id") @JsonInclude(Include.NON_NULL) Long checkRunId,
    @JsonProperty("log_path") @JsonInclude(Include.NON_NULL) String logPath,
    // Issue 13: the job's GitHub access (permissions; gateway URL and job token when enabled).
    @JsonProperty("github") @JsonInclude(Include.NON_NULL) GitHubAccess github) {

  public static final String SCHEMA_VERSION = "jobrequest.v1";
  public static final String SOURCE_GITHUB = "github";

  public JobRequest {
    script = script == null ? List.of() : List.copyOf(script);
    env = env == null ? Map.of() : Map.copyOf(env);
    needs = needs == null ? List.of() : List.copyOf(needs);
  }

  /** Starts a request with the required fields; the builder fills the optional ones. */
  public static Builder builder(
      UUID requestId, String repoUrl, String commitSha, Instant submittedAt) {
    return new Builder(requestId, repoUrl, commitSha, submittedAt);
  }

  /** A copy carrying the check run created for this job. */
  public JobRequest withCheckRunId(long id) {
    return copy(id, github);
  }

  /** A copy carrying the job's GitHub access (issue 13). */
  public JobRequest withGitHub(GitHubAccess access) {
    return copy(checkRunId, access);
  }

  private JobRequest copy(Long checkRun, GitHubAccess access) {
    return new JobRequest(
        schemaVersion,
        requestId,
        source,
        repoUrl,
        commitSha,
        workflowPath,
        workflowJobId,
        runsOn,
        submittedAt,
        repository,
        installationId,
        event,
        ref,
        pullRequestNumber,
        deliveryId,
        script,
        env,
        timeoutSeconds,
        needs,
        checkRun,
        logPath,
        access);
  }

  /** Fluent construction of the optional fields; required ones are fixed at {@link #builder}. */
  public static final class Builder {
    private final UUID requestId;
    private final String repoUrl;
    private final String commitSha;
    private final Instant submittedAt;
    private String workflowPath;
    private String workflowJobId;
    private String runsOn;
    private String repository;
    private Long installationId;
    private String event;
    private String ref;
    private Integer pullRequestNumber;
    private String deliveryId;
    private List<String> script = List.of();
    private Map<String, String> env = Map.of();
    private Integer timeoutSeconds;
    private List<String> needs = List.of();
    private Long checkRunId;
    private String logPath;
    private GitHubAccess github;

    private Builder(UUID requestId, String repoUrl, String commitSha, Instant submittedAt) {
      this.requestId = requestId;
      this.repoUrl = repoUrl;
      this.commitSha = commitSha;
      this.submittedAt = submittedAt;
    }

    public Builder workflow(String path, String jobId) {
      workflowPath = path;
      workflowJobId = jobId;
      return this;
    }

    public Builder runsOn(String label) {
      runsOn = label;
      return this;
    }

    public Builder repository(String fullName) {
      repository = fullName;
      return this;
    }

    public Builder installationId(Long id) {
      installationId = id;
      return this;
    }

    public Builder event(String name) {
      event = name;
      return this;
    }

    public Builder ref(String fullRef) {
      ref = fullRef;
      return this;
    }

    public Builder pullRequestNumber(Integer number) {
      pullRequestNumber = number;
      return this;
    }

    public Builder deliveryId(String id) {
      deliveryId = id;
      return this;
    }

    public Builder script(List<String> lines) {
      script = lines;
      return this;
    }

    public Builder env(Map<String, String> vars) {
      env = vars;
      return this;
    }

    public Builder timeoutSeconds(Integer seconds) {
      timeoutSeconds = seconds;
      return this;
    }

    public Builder needs(List<String> jobIds) {
      needs = jobIds;
      return this;
    }

    public Builder checkRunId(Long id) {
      checkRunId = id;
      return this;
    }

    public Builder logPath(String path) {
      logPath = path;
      return this;
    }

    /** The job's GitHub access (issue 13). */
    public Builder github(GitHubAccess access) {
      github = access;
      return this;
    }

    public JobRequest build() {
      return new JobRequest(
          SCHEMA_VERSION,
          requestId,
          SOURCE_GITHUB,
          repoUrl,
          commitSha,
          workflowPath,
          workflowJobId,
          runsOn,
          submittedAt,
          repository,
          installationId,
          event,
          ref,
          pullRequestNumber,
          deliveryId,
          script,
          env,
          timeoutSeconds,
          needs,
          checkRunId,
          logPath,
          github);
    }
  }
}
