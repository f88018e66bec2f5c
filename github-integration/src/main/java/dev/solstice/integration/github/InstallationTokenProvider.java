package dev.solstice.integration.github;

import dev.solstice.integration.core.GitHubApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installation access tokens, one per (installation, repository, {@link TokenScope}).
 *
 * <ul>
 *   <li>Cached until less than {@link #REFRESH_MARGIN} remains, then re-minted before the next use.
 *   <li>Concurrent requests for the same token share one mint (in-flight map).
 *   <li>With a {@link SharedTokenCache} (Redis), replicas share tokens: one replica takes a short
 *       lock and mints, the others wait for its result, so N replicas mint once.
 *   <li>If the exchange fails because the app is misconfigured or the installation is gone
 *       (401/403/404/422, not rate limits or outages), the static {@code GITHUB_TOKEN} is used when
 *       configured; otherwise the classified error names the installation and why.
 * </ul>
 */
public final class InstallationTokenProvider {
  private static final Logger LOG = LoggerFactory.getLogger(InstallationTokenProvider.class);

  /** Tokens with less lifetime than this left are refreshed before use. */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  /** How long a fallback decision is kept before the exchange is tried again. */
  static final Duration FALLBACK_TTL = Duration.ofMinutes(1);

  /**
   * The mint lock's lease, renewed every third of it while the holder mints (issue 14): a replica
   * killed between its mint and sharing the token frees the lock within this, not 30 s.
   */
  static final Duration LOCK_TTL = Duration.ofSeconds(3);

  /** Past this, a waiter mints itself: Redis answers but the lock never frees. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private static final long POLL_MS = 50;

  /** Mints a token at GitHub. */
  @FunctionalInterface
  public interface Minter {
    Future<InstallationToken> mint(long installationId, RepoRef repo, TokenScope scope);
  }

  private record Cached(InstallationToken token, Instant reuseUntil) {}

  private final Vertx vertx;
  private final Minter minter;
  private final Clock clock;
  private final SharedTokenCache shared;
  private final String staticToken;
  private final GitHubMetrics metrics;
  private final Map<String, Cached> local = new ConcurrentHashMap<>();
  private final Map<String, Future<InstallationToken>> inFlight = new HashMap<>();

  /**
   * @param shared null for a process-local cache only
   * @param staticToken null when no {@code GITHUB_TOKEN} fallback is configured
   */
  public InstallationTokenProvider(
      Vertx vertx,
      Minter minter,
      Clock clock,
      SharedTokenCache shared,
      String staticToken,
      GitHubMetrics metrics) {
    this.vertx = Objects.requireNonNull(vertx);
    this.minter = Objects.requireNonNull(minter);
    this.clock = Objects.requireNonNull(clock);
    this.shared = shared;
    this.staticToken = staticToken;
    this.metrics = Objects.requireNonNull(metrics);
  }

  static String key(long installationId, RepoRef repo, TokenScope scope) {
    String repos = repo == null ? "*" : repo.fullName().toLowerCase(Locale.ROOT);
    return installationId + ":" + repos + ":" + scope.name();
  }

  /** A token usable for at least {@link #REFRESH_MARGIN}, or the static fallback. */
  public Future<InstallationToken> token(long installationId, RepoRef repo, TokenScope scope) {
    String key = key(installationId, repo, scope);
    Cached c = local.get(key);
    if (c != null && c.reuseUntil().isAfter(clock.instant())) {
      metrics.tokenCacheHit();
      return Future.succeededFuture(c.token());
    }
    Promise<InstallationToken> mine;
    synchronized (inFlight) {
      Future<InstallationToken> running = inFlight.get(key);
      if (running != null) {
        return running;
      }
      mine = Promise.promise();
      inFlight.put(key, mine.future());
    }
    Future<InstallationToken> obtained;
    try {
      obtained = obtain(key, installationId, repo, scope);
    } catch (RuntimeException e) {
      obtained = Future.failedFuture(e);
    }
    obtained.onComplete(
        ar -> {
          synchronized (inFlight) {
            inFlight.remove(key);
          }
          mine.handle(ar);
        });
    return mine.future();
  }

  /**
   * Forgets every token of an installation, here and in the shared cache: it was deleted or
   * suspended, and its tokens must not be used again.
   */
  public Future<Void> forgetInstallation(long installationId) {
    String keyPrefix = installationId + ":";
    local.keySet().removeIf(k -> k.startsWith(keyPrefix));
    return shared == null ? Future.succeededFuture() : shared.evictAll(keyPrefix);
  }

  /**
   * Forgets a token GitHub refused (401), here and in the shared cache; a different token in the
   * shared cache (another replica already replaced it) is kept.
   */
  public Future<Void> invalidate(
      long installationId, RepoRef repo, TokenScope scope, String refusedToken) {
    String key = key(installationId, repo, scope);
    local.remove(key);
    if (shared == null) {
      return Future.succeededFuture();
    }
    return shared
        .get(key)
        .compose(
            current ->
                current.isPresent() && current.get().token().equals(refusedToken)
                    ? shared.evict(key)
                    : Future.<Void>succeededFuture())
        .recover(
            e -> {
              LOG.warn("Could not evict token {} from the shared cache: {}", key, e.toString());
              return Future.succeededFuture();
            });
  }

  private Future<InstallationToken> obtain(
      String key, long installationId, RepoRef repo, TokenScope scope) {
    if (shared == null) {
      return mintAndKeep(key, installationId, repo, scope);
    }
    Instant deadline = clock.instant().plus(MAX_WAIT);
    return fromShared(key)
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(found.get())
                    : lockAndMint(key, installationId, repo, scope, deadline));
  }

  private Future<Optional<InstallationToken>> fromShared(String key) {
    return shared
        .get(key)
        .map(
            found -> {
              if (found.isPresent() && found.get().usableAt(clock.instant(), REFRESH_MARGIN)) {
                metrics.tokenCacheHit();
                keepLocally(key, found.get());
                return found;
              }
              return Optional.<InstallationToken>empty();
            })
        .recover(
            e -> {
              LOG.warn("Shared token cache unavailable, minting locally: {}", e.toString());
              return Future.succeededFuture(Optional.empty());
            });
  }

  private Future<InstallationToken> lockAndMint(
      String key, long installationId, RepoRef repo, TokenScope scope, Instant deadline) {
    String owner = UUID.randomUUID().toString();
    return shared
        .tryLock(key, owner, LOCK_TTL)
        .recover(
            e -> {
              LOG.warn("Shared token lock unavailable, minting locally: {}", e.toString());
              return Future.succeededFuture(true);
            })
        .compose(
            locked -> {
              if (locked) {
                // Another replica may have minted and shared the token (and released the lock)
                // between our look at the cache and our lock: look again before minting.
                long renewal =
                    vertx.setPeriodic(
                        LOCK_TTL.toMillis() / 3,
                        id ->
                            shared
                                .renewLock(key, owner, LOCK_TTL)
                                .onFailure(
                                    e ->
                                        LOG.warn(
                                            "Could not renew the mint lock {}: {}",
                                            key,
                                            e.toString())));
                return fromShared(key)
                    .compose(
                        found ->
                            found.isPresent()
                                ? Future.succeededFuture(found.get())
                                : mintAndKeep(key, installationId, repo, scope))
                    .compose(
                        t ->
                            t.source() == InstallationToken.Source.MINTED
                                ? shared
                                    .put(key, t)
                                    .recover(
                                        e -> {
                                          LOG.warn(
                                              "Could not share token {}: {}", key, e.toString());
                                          return Future.succeededFuture();
                                        })
                                    .map(t)
                                : Future.succeededFuture(t))
                    .andThen(
                        ar -> {
                          vertx.cancelTimer(renewal);
                          shared.unlock(key, owner);
                        });
              }
              if (clock.instant().isAfter(deadline)) {
                // The lock holder died without publishing; do not wait forever.
                return mintAndKeep(key, installationId, repo, scope);
              }
              // Another replica is minting: wait for its result.
              return vertx
                  .timer(POLL_MS)
                  .compose(x -> fromShared(key))
                  .compose(
                      found ->
                          found.isPresent()
                              ? Future.succeededFuture(found.get())
                              : lockAndMint(key, installationId, repo, scope, deadline));
            });
  }

  private Future<InstallationToken> mintAndKeep(
      String key, long installationId, RepoRef repo, TokenScope scope) {
    Future<InstallationToken> minted;
    try {
      minted = minter.mint(installationId, repo, scope);
    } catch (RuntimeException e) {
      minted = Future.failedFuture(e);
    }
    return minted
        .map(
            t -> {
              metrics.tokenMinted();
              LOG.debug(
                  "Minted token for installation {} repo {} scope {} expiring {}",
                  installationId,
                  repo,
                  scope,
                  t.expiresAt());
              keepLocally(key, t);
              return t;
            })
        .recover(e -> fallback(key, installationId, e));
  }

  private Future<InstallationToken> fallback(String key, long installationId, Throwable e) {
    boolean misconfigured =
        e instanceof GitHubApiException.Unauthorized
            || e instanceof GitHubApiException.PermissionDenied
            || e instanceof GitHubApiException.NotFound
            || e instanceof GitHubApiException.ValidationFailed;
    if (!misconfigured || staticToken == null) {
      return Future.failedFuture(e);
    }
    LOG.warn(
        "Token exchange for installation {} failed ({}); using the static GITHUB_TOKEN",
        installationId,
        e.getMessage());
    InstallationToken t =
        new InstallationToken(staticToken, Instant.MAX, InstallationToken.Source.STATIC_FALLBACK);
    local.put(key, new Cached(t, clock.instant().plus(FALLBACK_TTL)));
    return Future.succeededFuture(t);
  }

  private void keepLocally(String key, InstallationToken t) {
    local.put(key, new Cached(t, t.expiresAt().minus(REFRESH_MARGIN)));
  }
}
