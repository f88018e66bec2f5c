package dev.solstice.integration.gateway;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.RepoRef;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials registry clients' requests go with, in order: the App (its installation on the
 * request's repository), then each extra App ({@code GITHUB_APP_<NAME>_*}, its one installation),
 * then each PAT ({@code GITHUB_PAT_<NAME>}), names in alphabetical order. A credential GitHub
 * answered with a primary or secondary rate limit is set aside until its reset ({@link SetAside},
 * shared through Redis) and the next one is used. Also the forwarder's {@link
 * GitHubForwarder.RateLimitWatch} for every answer, a job's included (their App installation's
 * limit is the same as the pool's).
 */
public final class CredentialPool implements GitHubForwarder.RateLimitWatch {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialPool.class);
  private static final long INSTALLATION_TTL_MILLIS = 10 * 60_000L;

  /** An extra App: its tokens are minted for its one installation. */
  public record ExtraApp(
      String name, long installationId, GatewayVerticle.InstallationTokens tokens) {}

  /** A personal access token; {@link #toString} never shows it. */
  public record Pat(String name, String token) {
    @Override
    public String toString() {
      return "Pat[name=" + name + ", token=***]";
    }
  }

  /** No credential could take the request: answered {@code status} with {@code message}. */
  static final class Exhausted extends RuntimeException {
    final int status;
    final long retryAfterSeconds;

    Exhausted(int status, String message, long retryAfterSeconds) {
      super(message, null, false, false);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  /** Told each credential's {@code x-ratelimit-remaining} as answers carry it. */
  @FunctionalInterface
  public interface Remaining {
    void remaining(String credential, long remaining);
  }

  private record KnownInstallation(AppInstallation installation, long atMillis) {}

  private final GatewayVerticle.InstallationTokens app;
  private final List<ExtraApp> apps;
  private final List<Pat> pats;
  private final SetAside aside;
  private final Remaining remaining;
  private final Clock clock;
  private final Map<String, KnownInstallation> installations = new ConcurrentHashMap<>();

  public CredentialPool(
      GatewayVerticle.InstallationTokens app,
      List<ExtraApp> apps,
      List<Pat> pats,
      SetAside aside,
      Remaining remaining,
      Clock clock) {
    this.app = app;
    this.apps = List.copyOf(apps);
    this.pats = List.copyOf(pats);
    this.aside = aside;
    this.remaining = remaining;
    this.clock = clock;
  }

  /** How many credentials there are besides the App. */
  public int extras() {
    return apps.size() + pats.size();
  }

  @Override
  public boolean observe(UpstreamCredential credential, HttpClientResponse answer) {
    OptionalLong left = RateLimits.remaining(answer.headers());
    left.ifPresent(n -> remaining.remaining(credential.name(), n));
    Optional<Instant> until =
        RateLimits.limitedUntil(answer.statusCode(), answer.headers(), clock.instant());
    until.ifPresent(
        u -> {
          LOG.warn(
              "gateway: credential {} rate limited (status {}), set aside until {}",
              credential.name(),
              answer.statusCode(),
              u);
          aside
              .setAside(credential.name(), u)
              .onFailure(e -> LOG.warn("gateway: set-aside not shared: {}", e.toString()));
        });
    return until.isPresent();
  }

  /**
   * The first credential not set aside that can serve {@code repo} ({@code null}: a request not
   * about one repository, which the App cannot serve), with its token at hand.
   */
  Future<UpstreamCredential> pick(RepoRef repo) {
    return pick(repo, 0, new Attempt());
  }

  /** What the members said so far, for the answer when none can serve. */
  private static final class Attempt {
    Instant firstBack;
    boolean notInstalled;
    Throwable failure;
  }

  private int size() {
    return 1 + apps.size() + pats.size();
  }

  private Future<UpstreamCredential> pick(RepoRef repo, int from, Attempt attempt) {
    if (from >= size()) {
      return Future.failedFuture(exhausted(repo, attempt));
    }
    return name(repo, from)
        .compose(
            name ->
                name == null
                    ? Future.succeededFuture(Map.<String, Instant>of())
                    : aside.asideOf(List.of(name)).map(m -> m))
        .compose(
            set -> {
              if (!set.isEmpty()) {
                Instant back = set.values().iterator().next();
                if (attempt.firstBack == null || back.isBefore(attempt.firstBack)) {
                  attempt.firstBack = back;
                }
                return Future.failedFuture(new IllegalStateException("set aside"));
              }
              return resolve(repo, from);
            })
        .recover(
            e -> {
              if (e instanceof GitHubApiException g && g.status() == 404 && from == 0) {
                attempt.notInstalled = true;
              } else if (!(e instanceof IllegalStateException && "set aside".equals(e.getMessage()))
                  && !(e instanceof Skip)) {
                attempt.failure = e;
                LOG.warn("gateway: pool credential {} unusable: {}", from, e.getMessage());
              }
              return pick(repo, from + 1, attempt);
            });
  }

  /** This member cannot serve this request (the App without a repository). */
  private static final class Skip extends RuntimeException {
    Skip() {
      super("skip", null, false, false);
    }
  }

  private Exhausted exhausted(RepoRef repo, Attempt attempt) {
    if (attempt.firstBack != null) {
      long wait = Math.max(1, Duration.between(clock.instant(), attempt.firstBack).toSeconds());
      return new Exhausted(
          429,
          "API rate limit exceeded: every credential of the gateway's pool is rate limited; the"
              + " first is back in "
              + wait
              + " s",
          wait);
    }
    if (attempt.notInstalled && attempt.failure == null) {
      return new Exhausted(404, "Not Found", 0);
    }
    if (repo == null && attempt.failure == null) {
      return new Exhausted(
          403,
          "The gateway has no credential for requests outside a repository (configure an extra App"
              + " or a PAT: GITHUB_APP_<NAME>_*, GITHUB_PAT_<NAME>)",
          0);
    }
    return new Exhausted(
        502,
        "The gateway could not reach GitHub: no credential of its pool could be used"
            + (attempt.failure == null ? "" : ": " + attempt.failure.getMessage()),
        0);
  }

  /** The rate-limit name of member {@code i} for {@code repo}; fails with Skip when it cannot. */
  private Future<String> name(RepoRef repo, int i) {
    if (i == 0) {
      if (repo == null) {
        return Future.failedFuture(new Skip());
      }
      return installation(repo).map(inst -> "app@" + inst.id());
    }
    if (i <= apps.size()) {
      ExtraApp a = apps.get(i - 1);
      return Future.succeededFuture(label(a) + "@" + a.installationId());
    }
    return Future.succeededFuture(label(pats.get(i - 1 - apps.size())));
  }

  private static String label(ExtraApp a) {
    return "app_" + a.name().toLowerCase(Locale.ROOT);
  }

  private static String label(Pat p) {
    return "pat_" + p.name().toLowerCase(Locale.ROOT);
  }

  private Future<UpstreamCredential> resolve(RepoRef repo, int i) {
    if (i == 0) {
      return installation(repo)
          .compose(
              inst -> {
                GrantCredential c =
                    new GrantCredential(inst.id(), repo, inst.permissions(), app, "app");
                return c.installationToken().map(t -> pooled(c, repo, i));
              });
    }
    if (i <= apps.size()) {
      ExtraApp a = apps.get(i - 1);
      return extraInstallation(a)
          .compose(
              inst -> {
                GrantCredential c =
                    new GrantCredential(
                        a.installationId(), repo, inst.permissions(), a.tokens(), label(a));
                return c.installationToken().map(t -> pooled(c, repo, i));
              });
    }
    Pat p = pats.get(i - 1 - apps.size());
    String name = label(p);
    return Future.succeededFuture(
        new Pooled(
            name,
            name,
            () -> Future.succeededFuture(p.token()),
            t -> Future.succeededFuture(),
            repo,
            i));
  }

  private UpstreamCredential pooled(GrantCredential c, RepoRef repo, int i) {
    return new Pooled(c.name(), c.cacheScope(), c::token, c::refused, repo, i);
  }

  /** An extra App's installation (for its permissions), remembered as the App's are. */
  private Future<AppInstallation> extraInstallation(ExtraApp a) {
    String key = "#" + label(a);
    KnownInstallation known = installations.get(key);
    long now = clock.millis();
    if (known != null && now - known.atMillis() < INSTALLATION_TTL_MILLIS) {
      return Future.succeededFuture(known.installation());
    }
    return a.tokens()
        .installation(a.installationId())
        .onSuccess(i -> installations.put(key, new KnownInstallation(i, now)));
  }

  private Future<AppInstallation> installation(RepoRef repo) {
    String key = repo.fullName().toLowerCase(Locale.ROOT);
    KnownInstallation known = installations.get(key);
    long now = clock.millis();
    if (known != null && now - known.atMillis() < INSTALLATION_TTL_MILLIS) {
      return Future.succeededFuture(known.installation());
    }
    return app.installationOf(repo)
        .onSuccess(i -> installations.put(key, new KnownInstallation(i, now)));
  }

  /** A pool credential with its token in hand; {@link #next} is the pool's following one. */
  private final class Pooled implements UpstreamCredential {
    private final String name;
    private final String scope;
    private final java.util.function.Supplier<Future<String>> token;
    private final java.util.function.Function<String, Future<Void>> refused;
    private final RepoRef repo;
    private final int index;

    Pooled(
        String name,
        String scope,
        java.util.function.Supplier<Future<String>> token,
        java.util.function.Function<String, Future<Void>> refused,
        RepoRef repo,
        int index) {
      this.name = name;
      this.scope = scope;
      this.token = token;
      this.refused = refused;
      this.repo = repo;
      this.index = index;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String cacheScope() {
      return scope;
    }

    @Override
    public Future<String> token() {
      // An App's token comes from the provider's cache (a fresh one after a refusal).
      return token.get();
    }

    @Override
    public Future<Void> refused(String t) {
      return refused.apply(t);
    }

    @Override
    public Future<UpstreamCredential> next() {
      return pick(repo, index + 1, new Attempt());
    }

    @Override
    public String toString() {
      return "Pooled[" + name + "]";
    }
  }
}
