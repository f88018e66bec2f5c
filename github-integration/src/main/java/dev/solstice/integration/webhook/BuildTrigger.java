package dev.solstice.integration.webhook;

/**
 * A delivery that asks for CI: a push, a pull request opened/synchronized/reopened, or a Re-run
 * request from the Checks UI.
 *
 * @param repository full name {@code owner/repo} of the repository the checks are reported on
 * @param repoUrl clone URL of the code to build (the fork's for a fork pull request)
 * @param commitSha the exact commit to build
 * @param ref full ref, e.g. {@code refs/heads/main} or {@code refs/pull/7/head}; null when unknown
 * @param pullRequestNumber null unless a pull request
 * @param installationId the App installation that sent it; null for a non-App webhook
 * @param checkAppId for check_suite/check_run events, the App that owns the suite or run
 * @param rerunExternalId for a single check run's Re-run, its external_id (our request_id)
 * @param rerunCheckName for a single check run's Re-run, its name
 */
public record BuildTrigger(
    String event,
    String action,
    String repository,
    String repoUrl,
    String commitSha,
    String ref,
    Integer pullRequestNumber,
    Long installationId,
    Long checkAppId,
    String rerunExternalId,
    String rerunCheckName,
    String headCommitMessage,
    String sender) implements WebhookEvent {

  public boolean isRerun() {
    return "rerequested".equals(action);
  }
}
