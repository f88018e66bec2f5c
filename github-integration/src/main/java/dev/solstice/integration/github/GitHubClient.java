package dev.solstice.integration.github;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.core.NotAFileException;
import dev.solstice.integration.core.PullRequestRef;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Every GitHub call the service makes. Failures are {@link GitHubApiException}s (decide on their
 * type: {@code instanceof GitHubApiException.NotFound}, {@code .retryable()}, ...), {@link
 * NotAFileException} for a non-file content answer, and {@link
 * WriteOperations.WriteNotAllowedException} for a write not on the allowlist. Retries, pacing,
 * tokens and conditional requests are handled inside; callers never see a status code.
 */
public interface GitHubClient {

  /**
   * The file at {@code path} on {@code ref}, raw bytes (files over 1 MB included); empty when the
   * path or ref does not exist. A directory, symlink or submodule fails with {@link
   * NotAFileException}.
   */
  Future<Optional<RepoFile>> getContent(long installationId, RepoRef repo, String path, String ref);

  /**
   * Creates a check run. More than 50 annotations are sent in follow-up updates (GitHub appends
   * them); the returned run reflects the last request.
   */
  Future<CheckRun> createCheckRun(long installationId, RepoRef repo, CheckRunCreate create);

  /**
   * Updates a check run. More than 50 annotations are split into several PATCHes; the status and
   * conclusion go with the last one, so "completed" is only visible with all annotations.
   */
  Future<CheckRun> updateCheckRun(
      long installationId, RepoRef repo, long checkRunId, CheckRunUpdate update);

  /**
   * As {@link #updateCheckRun}, but sent only if {@code guard} allows it when the write leaves the
   * installation's write queue (issue 14: an {@code in_progress} update overtaken by the run's
   * completion is dropped). Empty when it was not sent.
   */
  default Future<Optional<CheckRun>> updateCheckRunIf(
      long installationId, RepoRef repo, long checkRunId, CheckRunUpdate update, WriteGuard guard) {
    return guard
        .acquire()
        .compose(
            allowed ->
                allowed
                    ? updateCheckRun(installationId, repo, checkRunId, update)
                        .map(Optional::of)
                        .eventually(guard::release)
                    : Future.succeededFuture(Optional.<CheckRun>empty()));
  }

  /** Check runs for a ref (SHA, branch or tag), all pages. */
  Future<List<CheckRun>> listCheckRuns(
      long installationId, RepoRef repo, String ref, CheckRunQuery query);

  /**
   * The files a pull request changes ({@code GET /repos/{owner}/{repo}/pulls/{number}/files}, every
   * page of 100). GitHub lists at most 3,000; a list that long is marked incomplete.
   */
  Future<ChangedFiles> listPullRequestFiles(long installationId, RepoRef repo, int pullNumber);

  /**
   * The files changed between two commits ({@code GET
   * /repos/{owner}/{repo}/compare/{base}...{head}}). GitHub lists at most 300, on the first page
   * only; a list that long is marked incomplete.
   */
  Future<ChangedFiles> compareFiles(long installationId, RepoRef repo, String base, String head);

  /**
   * The pull requests associated with a commit ({@code GET
   * /repos/{owner}/{repo}/commits/{commit_sha}/pulls}, first page of 100): for a commit not on the
   * default branch, the open and merged ones whose head it is, fork pull requests included.
   *
   * @since issue 17
   */
  default Future<List<PullRequestRef>> listPullRequestsOfCommit(
      long installationId, RepoRef repo, String sha) {
    return Future.failedFuture(
        new UnsupportedOperationException("listPullRequestsOfCommit is not implemented"));
  }

  /**
   * Whether check-run writes for {@code repo} can succeed: false while the App's token exchange
   * fails and the static {@code GITHUB_TOKEN} (a personal access token, which GitHub refuses for
   * check-run writes) stands in; results are then reported as commit statuses.
   *
   * @since issue 17
   */
  default Future<Boolean> checksWritable(long installationId, RepoRef repo) {
    return Future.succeededFuture(true);
  }

  /**
   * Creates a commit status ({@code POST /repos/{owner}/{repo}/statuses/{sha}}).
   *
   * @since issue 17
   */
  default Future<Void> createCommitStatus(
      long installationId, RepoRef repo, String sha, CommitStatus status) {
    return Future.failedFuture(
        new UnsupportedOperationException("createCommitStatus is not implemented"));
  }

  /** Creates an issue (uses a token with {@code issues: write}). */
  Future<IssueRef> createIssue(long installationId, RepoRef repo, IssueCreate issue);

  /** Comments on an issue or pull request. */
  Future<IssueRef> createComment(long installationId, RepoRef repo, int issueNumber, String body);

  /**
   * One page (up to 100) of the App's webhook deliveries, newest first; {@code cursor} null for the
   * first page, else {@link HookDeliveryPage#nextCursor()} of the previous one.
   */
  Future<HookDeliveryPage> listHookDeliveries(String cursor);

  /** Asks GitHub to redeliver a webhook delivery. */
  Future<Void> redeliver(long deliveryId);

  /**
   * Checks the App credentials ({@code GET /app} with the App JWT): call at start-up so a wrong
   * {@code GITHUB_APP_ID} or key fails fast with {@link GitHubApiException.Unauthorized}.
   */
  Future<Void> verifyAppCredentials();

  /**
   * The installation ({@code GET /app/installations/{id}} with the App JWT): its account,
   * repository selection and permissions. {@link GitHubApiException.NotFound} when the App is not
   * installed there.
   */
  Future<AppInstallation> getInstallation(long installationId);

  /**
   * Every installation of the App ({@code GET /app/installations}, all pages), for the record's
   * reconciliation.
   */
  default Future<List<AppInstallation>> listInstallations() {
    return Future.failedFuture(new UnsupportedOperationException("listInstallations"));
  }

  /**
   * The repositories an installation grants ({@code GET /installation/repositories}, all pages).
   */
  default Future<List<AppInstallation.Repository>> listInstallationRepositories(
      long installationId) {
    return Future.failedFuture(new UnsupportedOperationException("listInstallationRepositories"));
  }

  /**
   * Drops every cached token of an installation (deleted or suspended), here and in the shared
   * cache.
   */
  default Future<Void> forgetInstallation(long installationId) {
    return Future.succeededFuture();
  }

  /**
   * When a write (content-creating request) of the installation submitted now would about start, in
   * epoch ms: its write budget (shared by all replicas) and any primary rate-limit block
   * considered, nothing reserved. A client that does not pace answers 0 (at once).
   */
  default Future<Long> writableAt(long installationId) {
    return Future.succeededFuture(0L);
  }

  /** Releases connections. */
  void close();
}
