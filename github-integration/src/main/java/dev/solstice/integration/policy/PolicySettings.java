package dev.solstice.integration.policy;

/**
 * The service-level policies: which repositories run at all, and whether fork pull requests run
 * without a maintainer.
 */
public record PolicySettings(RepoAccess repos, ForkPolicy forkPolicy) {

  public static PolicySettings defaults() {
    return new PolicySettings(RepoAccess.allowAll(), ForkPolicy.MEMBERS);
  }
}
