package dev.solstice.integration.planning;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.workflow.Permissions;
import dev.solstice.jobrequest.GitHubAccess;
import dev.solstice.jobrequest.JobRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The JobRequests of a trigger, and the ids and groups that make replaying a delivery harmless. */
public final class Jobs {

  private Jobs() {}

  /** Where a job's log goes, relative to LOGS_BASE_URL. */
  public static String logPath(UUID requestId) {
    return "/logs/" + requestId + ".log";
  }

  /** The single job of a repository without a workflow file. */
  public static JobRequest defaultJob(
      BuildTrigger trigger, String deliveryId, Instant now, String runsOn) {
    return job(trigger, deliveryId, RequestIds.DEFAULT_JOB, now).runsOn(runsOn).build();
  }

  /**
   * A job of this trigger with what every job carries (ids, commit, repository, event, log path)
   * and the event's context (sender; a pull request's base, head branch and title; a push's {@code
   * before} and, when its payload lists them, its changed files); the caller adds what is
   * particular to the job.
   */
  public static JobRequest.Builder job(
      BuildTrigger trigger, String deliveryId, String jobId, Instant now) {
    var id = RequestIds.of(deliveryId, jobId);
    return JobRequest.builder(id, trigger.repoUrl(), trigger.commitSha(), now)
        .repository(trigger.repository())
        .installationId(trigger.installationId())
        .event(trigger.event())
        .ref(trigger.ref())
        .pullRequestNumber(trigger.pullRequestNumber())
        .deliveryId(deliveryId)
        .logPath(logPath(id))
        .sender(trigger.sender())
        .pullRequest(
            trigger.baseRef(), trigger.baseSha(), trigger.headRef(), trigger.pullRequestTitle())
        .before(trigger.beforeSha())
        .changedFiles(trigger.changedFiles(), true)
        .github(access(trigger, null));
  }

  /**
   * Issue 13: the permissions a job of this trigger may use at GitHub ({@code granted} by its
   * workflow, else the default; never write for a fork pull request); null without an installation.
   */
  public static GitHubAccess access(BuildTrigger trigger, Map<String, String> granted) {
    return trigger.installationId() == null
        ? null
        : GitHubAccess.permissionsOnly(Permissions.effective(granted, trigger.fork()));
  }

  /** The run id of a delivery's workflow run. */
  public static UUID runId(String deliveryId) {
    return UUID.nameUUIDFromBytes(("solstice-run:" + deliveryId).getBytes(StandardCharsets.UTF_8));
  }

  /** The concurrency group of a trigger: its pull request, else its ref; null when neither. */
  public static String group(String repository, String event, Integer pullRequest, String ref) {
    if ("pull_request".equals(event) && pullRequest != null) {
      return repository.toLowerCase(Locale.ROOT) + ":pr:" + pullRequest;
    }
    return "push".equals(event) && ref != null
        ? repository.toLowerCase(Locale.ROOT) + ":" + ref
        : null;
  }
}
