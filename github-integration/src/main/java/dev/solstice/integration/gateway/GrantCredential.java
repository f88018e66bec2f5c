package dev.solstice.integration.gateway;

import dev.solstice.integration.github.InstallationToken;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.TokenScope;
import dev.solstice.integration.jobtoken.JobGrant;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An installation token for one repository (or all of the installation's, when none) and one
 * permission set: a job's grant, or an App of the pool on a registry client's repository. Only a
 * minted token is handed on, never the static {@code GITHUB_TOKEN} fallback, which is not scoped.
 */
final class GrantCredential implements UpstreamCredential {

  private final long installationId;
  private final RepoRef repo;
  private final Map<String, String> permissions;
  private final GatewayVerticle.InstallationTokens tokens;
  private final String prefix;

  /** A job's: its one repository, exactly its permissions. */
  GrantCredential(JobGrant grant, GatewayVerticle.InstallationTokens tokens) {
    this(
        grant.installationId(),
        RepoRef.parse(grant.repository()),
        grant.permissions(),
        tokens,
        "app");
  }

  /**
   * @param repo null for every repository of the installation
   * @param prefix the credential's name before {@code @<installation id>}
   */
  GrantCredential(
      long installationId,
      RepoRef repo,
      Map<String, String> permissions,
      GatewayVerticle.InstallationTokens tokens,
      String prefix) {
    this.installationId = installationId;
    this.repo = repo;
    this.permissions = permissions;
    this.tokens = tokens;
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return prefix + "@" + installationId;
  }

  @Override
  public String cacheScope() {
    return prefix
        + "|"
        + installationId
        + "|"
        + (repo == null ? "*" : repo.fullName().toLowerCase(Locale.ROOT))
        + "|"
        + new TreeMap<>(permissions);
  }

  @Override
  public Future<String> token() {
    return installationToken().map(InstallationToken::token);
  }

  /** A minted token for the repository with {@link #permissions}. */
  Future<InstallationToken> installationToken() {
    return installationToken(permissions);
  }

  /** A minted token for the repository with {@code perms}. */
  Future<InstallationToken> installationToken(Map<String, String> perms) {
    return tokens
        .token(installationId, repo, TokenScope.of(perms))
        .compose(
            t ->
                t.source() == InstallationToken.Source.MINTED
                    ? Future.succeededFuture(t)
                    // The static GITHUB_TOKEN fallback is not scoped: never hand it on.
                    : Future.failedFuture(
                        new IllegalStateException("no installation token could be minted")));
  }

  @Override
  public Future<Void> refused(String token) {
    return tokens.invalidate(installationId, repo, TokenScope.of(permissions), token);
  }
}
