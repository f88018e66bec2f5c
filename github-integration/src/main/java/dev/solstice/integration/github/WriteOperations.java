package dev.solstice.integration.github;

import java.util.Set;

/**
 * The write operations the client may perform, by GitHub operation id. Any other mutating request
 * is refused before it leaves the process.
 */
public final class WriteOperations {
  public static final String CREATE_INSTALLATION_TOKEN = "apps/create-installation-access-token";
  public static final String CREATE_CHECK_RUN = "checks/create";
  public static final String UPDATE_CHECK_RUN = "checks/update";
  public static final String CREATE_ISSUE = "issues/create";
  public static final String CREATE_ISSUE_COMMENT = "issues/create-comment";
  public static final String REDELIVER_HOOK_DELIVERY = "apps/redeliver-webhook-delivery";
  public static final String CREATE_COMMIT_STATUS = "repos/create-commit-status";

  /** Everything this client knows how to write. Minting tokens is always allowed. */
  public static final Set<String> ALL =
      Set.of(
          CREATE_CHECK_RUN,
          UPDATE_CHECK_RUN,
          CREATE_ISSUE,
          CREATE_ISSUE_COMMENT,
          REDELIVER_HOOK_DELIVERY,
          CREATE_COMMIT_STATUS);

  private WriteOperations() {}

  /** Thrown (as a failed Future) for a write that is not on the allowlist. */
  public static final class WriteNotAllowedException extends RuntimeException {
    public WriteNotAllowedException(String operation) {
      super(
          "GitHub write operation \""
              + operation
              + "\" is not allowlisted (GITHUB_ALLOWED_WRITES)");
    }
  }
}
