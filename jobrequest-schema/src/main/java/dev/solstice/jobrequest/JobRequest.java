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
 * @param sender login of the user or bot whose action caused the job; null when unknown
 * @param baseRef a pull request's base branch ({@code main}); null otherwise
 * @param baseSha a pull request's base commit; null otherwise
 * @param headRef a pull request's head branch; null otherwise
 * @param pullRequestTitle a pull request's title; null otherwise
 * @param before a push's previous head commit (all zeros for a new branch or tag); null otherwise
 * @param changedFiles the files the push or pull request changes, when the front door knew them (at
 *     most {@link #MAX_CHANGED_FILES}); null when it did not read them
 * @param changedFilesTruncated with {@code changedFiles}: whether more files changed than listed
 *     (the list was capped here, or GitHub's list was incomplete); null without {@code
 *     changedFiles}
 * @param github the job's GitHub access (issue 13); null for a repository the App is not on
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
    // Context for jobs (issue 17): optional, so jobs can build incrementally.
    @JsonProperty("sender") @JsonInclude(Include.NON_NULL) String sender,
    @JsonProperty("base_ref") @JsonInclude(Include.NON_NULL) String baseRef,
    @JsonProperty("base_sha") @JsonInclude(Include.NON_NULL) String baseSha,
    @JsonProperty("head_ref") @JsonInclude(Include.NON_NULL) String headRef,
    @JsonProperty("pull_request_title") @JsonInclude(Include.NON_NULL) String pullRequestTitle,
    @JsonProperty("before") @JsonInclude(Include.NON_NULL) String before,
    @JsonProperty("changed_files") @JsonInclude(Include.NON_NULL) List<String> changedFiles,
    @JsonProperty("changed_files_truncated") @JsonInclude(Include.NON_NULL)
        Boolean changedFilesTruncated,
    // Issue 13: the job's GitHub access (permissions; gateway URL and job token when enabled).
    @JsonProperty("github") @JsonInclude(Include.NON_NULL) GitHubAccess github) {

  public static final String SCHEMA_VERSION = "jobrequest.v1";
  public static final String SOURCE_GITHUB = "github";

  /** The most {@code changed_files} a request lists; beyond, {@code changed_files_truncated}. */
  public static final int MAX_CHANGED_FILES = 1000;

  public JobRequest {
    script = script == null ? List.of() : List.copyOf(script);
    env = env == null ? Map.of() : Map.copyOf(env);
    needs = needs == null ? List.of() : List.copyOf(needs);
    changedFiles = changedFiles == null ? null : List.copyOf(changedFiles);
  }

  /** Starts a request with the required fields; the builder fills the optional ones. */
  public static Builder builder(
      UUID requestId, String repoUrl, String commitSha, Instant submittedAt) {
    return new Builder(requestId, repoUrl, commitSha, submittedAt);
  }

  /** A builder holding every field of this request, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy carrying the check run created for this job. */
  public JobRequest withCheckRunId(long id) {
    return toBuilder().checkRunId(id).build();
  }

  /** A copy that waits for no other job (a single check run's Re-run). */
  public JobRequest withoutNeeds() {
    return toBuilder().needs(List.of()).build();
  }

  /** A copy carrying the job's GitHub access (issue 13). */
  public JobRequest withGitHub(GitHubAccess access) {
    return toBuilder().github(access).build();
  }

  /** Fluent construction of the optional fields; required ones are fixed at {@link #builder}. */
  public static final class Builder {
    private String schemaVersion = SCHEMA_VERSION;
    private String source = SOURCE_GITHUB;
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
    private String sender;
    private String baseRef;
    private String baseSha;
    private String headRef;
    private String pullRequestTitle;
    private String before;
    private List<String> changedFiles;
    private Boolean changedFilesTruncated;
    private GitHubAccess github;

    private Builder(UUID requestId, String repoUrl, String commitSha, Instant submittedAt) {
      this.requestId = requestId;
      this.repoUrl = repoUrl;
      this.commitSha = commitSha;
      this.submittedAt = submittedAt;
    }

    private Builder(JobRequest r) {
      this(r.requestId, r.repoUrl, r.commitSha, r.submittedAt);
      schemaVersion = r.schemaVersion;
      source = r.source;
      workflow(r.workflowPath, r.workflowJobId).runsOn(r.runsOn).repository(r.repository);
      installationId(r.installationId).event(r.event).ref(r.ref);
      pullRequestNumber(r.pullRequestNumber).deliveryId(r.deliveryId);
      script(r.script).env(r.env).timeoutSeconds(r.timeoutSeconds).needs(r.needs);
      checkRunId(r.checkRunId).logPath(r.logPath);
      sender(r.sender).pullRequest(r.baseRef, r.baseSha, r.headRef, r.pullRequestTitle);
      before(r.before);
      changedFiles = r.changedFiles;
      changedFilesTruncated = r.changedFilesTruncated;
      github = r.github;
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

    public Builder sender(String login) {
      sender = login;
      return this;
    }

    /** A pull request's base branch and commit, head branch and title (any may be null). */
    public Builder pullRequest(String baseRef, String baseSha, String headRef, String title) {
      this.baseRef = baseRef;
      this.baseSha = baseSha;
      this.headRef = headRef;
      pullRequestTitle = title;
      return this;
    }

    public Builder before(String sha) {
      before = sha;
      return this;
    }

    /**
     * The changed files, capped at {@link #MAX_CHANGED_FILES}.
     *
     * @param files null when they were not read (then both fields are left out)
     * @param complete false when the list given is already incomplete
     */
    public Builder changedFiles(List<String> files, boolean complete) {
      if (files == null) {
        changedFiles = null;
        changedFilesTruncated = null;
      } else {
        boolean capped = files.size() > MAX_CHANGED_FILES;
        changedFiles = capped ? files.subList(0, MAX_CHANGED_FILES) : files;
        changedFilesTruncated = capped || !complete;
      }
      return this;
    }

    /** The job's GitHub access (issue 13). */
    public Builder github(GitHubAccess access) {
      github = access;
      return this;
    }

    public JobRequest build() {
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
          checkRunId,
          logPath,
          sender,
          baseRef,
          baseSha,
          headRef,
          pullRequestTitle,
          before,
          changedFiles,
          changedFilesTruncated,
          github);
    }
  }
}
