package dev.solstice.integration.github;

import dev.solstice.integration.core.GitHubApiException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything between an operation and the wire: credentials, write allowlist, pacing, conditional
 * requests, classification, retries and metrics. One instance per client.
 */
final class GitHubRequestExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(GitHubRequestExecutor.class);
  static final String API_VERSION = "2022-11-28";

  /** Which credential a request carries. */
  sealed interface Auth permits AppAuth, InstallationAuth {}

  /** The App JWT. */
  record AppAuth() implements Auth {}

  /** An installation token for one repository and scope. */
  record InstallationAuth(long installationId, RepoRef repo, TokenScope scope) implements Auth {}

  /**
   * @param operation GitHub operation id (checked against the write allowlist)
   * @param route route template, for errors and metrics
   * @param path path and query below the API base, already encoded, or an absolute URL below it
   */
  record ApiRequest(
      String operation,
      HttpMethod method,
      String route,
      String path,
      Buffer body,
      Auth auth,
      String accept,
      Reconciler reconciler,
      WriteGuard guard) {

    /** This request, made safe to retry after a lost answer by first asking what was applied. */
    ApiRequest withReconciler(Reconciler lookup) {
      return new ApiRequest(operation, method, route, path, body, auth, accept, lookup, guard);
    }

    /**
     * This write, sent only if {@code condition} allows it once the write leaves the pacer; sent
     * once (a retry would outlive the condition's lease): a failure goes to the caller, who asks
     * again.
     */
    ApiRequest withGuard(WriteGuard condition) {
      return new ApiRequest(
          operation, method, route, path, body, auth, accept, reconciler, condition);
    }

    boolean mutating() {
      return method != HttpMethod.GET && method != HttpMethod.HEAD;
    }

    long installationId() {
      return auth instanceof InstallationAuth i ? i.installationId() : 0;
    }

    String lane() {
      return auth instanceof InstallationAuth i ? Long.toString(i.installationId()) : "app";
    }
  }

  /**
   * For a create that may have been applied although no answer arrived (timeout, reset, 502/504):
   * looks for the created object before the create is sent again, so a retry does not duplicate.
   */
  @FunctionalInterface
  interface Reconciler {
    /** The created object's JSON if GitHub has it, else empty. */
    Future<java.util.Optional<JsonObject>> find();
  }

  record ApiResponse(int status, MultiMap headers, Buffer body, boolean fromCache) {
    /** The answer of a guarded write its guard did not let through: nothing was sent. */
    static final ApiResponse NOT_SENT =
        new ApiResponse(0, MultiMap.caseInsensitiveMultiMap(), null, false);

    String header(String name) {
      return headers.get(name);
    }
  }

  private record Credential(String value, String identity, boolean minted) {
    @Override
    public String toString() {
      return "Credential[" + identity + "]";
    }
  }

  private final Vertx vertx;
  private final GitHubTransport transport;
  private final String apiBase;
  private final AppJwtSigner signer;
  private final RetryPolicy retry;
  private final Set<String> allowedWrites;
  private final Clock clock;
  private final GitHubMetrics metrics;
  private final WritePacer pacer;
  private final AsyncLimiter reads;
  private final EtagCache etags = new EtagCache(2_000, 64L * 1024 * 1024);
  private final Map<String, Instant> blockedUntil = new ConcurrentHashMap<>();
  private volatile InstallationTokenProvider tokens;

  /** Null while tracing is off: then no OpenTelemetry call at all is made per exchange. */
  private volatile Tracer tracer;

  GitHubRequestExecutor(
      Vertx vertx,
      GitHubTransport transport,
      String apiBase,
      AppJwtSigner signer,
      RetryPolicy retry,
      PacingPolicy pacing,
      WriteBudget sharedBudget,
      Set<String> allowedWrites,
      Clock clock,
      GitHubMetrics metrics) {
    this.vertx = vertx;
    this.transport = transport;
    this.apiBase = apiBase;
    this.signer = signer;
    this.retry = retry;
    this.allowedWrites = Set.copyOf(allowedWrites);
    this.clock = clock;
    this.metrics = metrics;
    this.pacer = new WritePacer(vertx, pacing, clock, sharedBudget);
    this.reads = new AsyncLimiter(pacing.maxConcurrentReads());
  }

  void tokens(InstallationTokenProvider tokens) {
    this.tokens = tokens;
  }

  /** Where the span of every exchange goes; none until set. */
  void tracer(Tracer tracer) {
    this.tracer = tracer;
  }

  String apiBase() {
    return apiBase;
  }

  /**
   * Executes with retries. Fails with a {@link GitHubApiException}, or {@link
   * WriteOperations.WriteNotAllowedException} for a write that is not allowlisted.
   */
  Future<ApiResponse> execute(ApiRequest r) {
    // The caller's trace, taken now: queued behind the pacer or a token mint, the exchange may
    // run in another request's callback. Null when tracing is off.
    Context parent = tracer == null ? null : Context.current();
    if (r.mutating()) {
      if (WriteOperations.CREATE_INSTALLATION_TOKEN.equals(r.operation())) {
        // Minting is not content creation, and writes wait for it: pacing it would deadlock.
        return attempt(r, parent, 1, false);
      }
      if (!allowedWrites.contains(r.operation())) {
        return Future.failedFuture(new WriteOperations.WriteNotAllowedException(r.operation()));
      }
      return pacer.submit(r.lane(), () -> attempt(r, parent, 1, false));
    }
    return reads.run(() -> attempt(r, parent, 1, false));
  }

  /**
   * When a write of {@code lane} (an installation id) submitted now would about start (epoch ms):
   * the write budget's next start, or the primary rate limit's reset if GitHub said it is used up.
   */
  Future<Long> writableAt(String lane) {
    Instant blocked = blockedUntil.get(lane);
    long reset = blocked == null ? 0 : blocked.toEpochMilli();
    return pacer.writableAt(lane).map(at -> Math.max(at, reset));
  }

  private Future<ApiResponse> attempt(
      ApiRequest r, Context parent, int attempt, boolean reauthenticated) {
    return waitWhileBlocked(r)
        .compose(v -> credential(r, parent))
        .compose(
            cred ->
                r.guard() != null
                    ? guardedSend(r, cred, parent)
                    : sendOnce(r, cred, parent)
                        .recover(
                            err -> afterFailure(r, parent, cred, err, attempt, reauthenticated)));
  }

  /** The guard is asked last, after the pacer and the token: as late before sending as can be. */
  private Future<ApiResponse> guardedSend(ApiRequest r, Credential cred, Context parent) {
    WriteGuard guard = r.guard();
    return guard
        .acquire()
        .compose(
            allowed -> {
              if (!allowed) {
                LOG.debug("{} {}: not sent, its condition no longer holds", r.method(), r.route());
                return Future.succeededFuture(ApiResponse.NOT_SENT);
              }
              return sendOnce(r, cred, parent).eventually(guard::release);
            });
  }

  private Future<ApiResponse> afterFailure(
      ApiRequest r,
      Context parent,
      Credential cred,
      Throwable err,
      int attempt,
      boolean reauthenticated) {
    if (!(err instanceof GitHubApiException e)) {
      return Future.failedFuture(err);
    }
    if (e instanceof GitHubApiException.Unauthorized
        && r.auth() instanceof InstallationAuth i
        && cred.minted()
        && !reauthenticated) {
      // The cached token was revoked or expired early: mint a fresh one, once.
      metrics.retry("unauthorized");
      LOG.info(
          "{} {}: token refused for installation {}, minting a new one",
          r.method(),
          r.route(),
          i.installationId());
      return tokens
          .invalidate(i.installationId(), i.repo(), i.scope(), cred.value())
          .compose(v -> attempt(r, parent, attempt, true));
    }
    if (!e.retryable() || attempt >= retry.maxAttempts()) {
      return Future.failedFuture(e);
    }
    Duration wait;
    String reason;
    Optional<Instant> told = Optional.empty();
    if (e instanceof GitHubApiException.RateLimited rl) {
      reason =
          rl instanceof GitHubApiException.RateLimited.Primary
              ? "primary_rate_limit"
              : "secondary_rate_limit";
      told = Optional.of(rl.retryAt().orElse(clock.instant().plus(retry.secondaryDefaultWait())));
    } else if (e instanceof GitHubApiException.Transient t && t.retryAt().isPresent()) {
      reason = "retry_after"; // a 5xx with retry-after: wait as GitHub says, within the same bound
      told = t.retryAt();
    } else {
      reason = "transient";
    }
    if (told.isPresent()) {
      wait = Duration.between(clock.instant(), told.get());
      if (wait.isNegative()) {
        wait = Duration.ZERO;
      }
      if (wait.compareTo(retry.maxRateLimitWait()) > 0) {
        LOG.warn(
            "{} {}: GitHub asked us to wait {} s, more than the {} s we may wait; giving up",
            r.method(),
            r.route(),
            wait.toSeconds(),
            retry.maxRateLimitWait().toSeconds());
        return Future.failedFuture(e);
      }
    } else {
      wait = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
    }
    metrics.retry(reason);
    LOG.info(
        "{} {}: {} (attempt {}/{}), retrying in {} ms",
        r.method(),
        r.route(),
        e.getMessage(),
        attempt,
        retry.maxAttempts(),
        wait.toMillis());
    boolean mayHaveBeenApplied =
        r.reconciler() != null && e instanceof GitHubApiException.Transient && ambiguous(e);
    return sleep(wait)
        .compose(x -> mayHaveBeenApplied ? reconcile(r) : Future.succeededFuture(null))
        .compose(
            created ->
                created != null
                    ? Future.succeededFuture(created)
                    : attempt(r, parent, attempt + 1, reauthenticated));
  }

  /** No answer or a gateway error: GitHub may or may not have applied the request. */
  private static boolean ambiguous(GitHubApiException e) {
    return e.status() == 0 || e.status() == 502 || e.status() == 504;
  }

  /** The object a lost create produced, as its answer, or null to send the create again. */
  private Future<ApiResponse> reconcile(ApiRequest r) {
    return r.reconciler()
        .find()
        .map(
            found -> {
              if (found.isEmpty()) {
                return null;
              }
              LOG.info(
                  "{} {}: the lost request was applied; not sending it again",
                  r.method(),
                  r.route());
              return new ApiResponse(
                  201, MultiMap.caseInsensitiveMultiMap(), found.get().toBuffer(), false);
            })
        .otherwise(failure -> null); // cannot tell: send again, as without a reconciler
  }

  /** When GitHub said the primary quota is empty, wait for the reset instead of sending. */
  private Future<Void> waitWhileBlocked(ApiRequest r) {
    Instant until = blockedUntil.get(r.lane());
    if (until == null) {
      return Future.succeededFuture();
    }
    Duration wait = Duration.between(clock.instant(), until);
    if (wait.isNegative() || wait.isZero()) {
      blockedUntil.remove(r.lane(), until);
      return Future.succeededFuture();
    }
    if (wait.compareTo(retry.maxRateLimitWait()) > 0) {
      return Future.failedFuture(
          new GitHubApiException.RateLimited.Primary(
              new GitHubApiException.Facts(
                  403,
                  r.method().name(),
                  r.route(),
                  r.installationId(),
                  "not sent: primary rate limit still exhausted",
                  ""),
              until,
              "waiting for the reset would exceed the maximum rate-limit wait"));
    }
    return sleep(wait);
  }

  /** Vert.x timers refuse 0 ms. */
  private Future<Void> sleep(Duration d) {
    long ms = d.toMillis();
    return ms <= 0 ? Future.succeededFuture() : vertx.timer(ms).mapEmpty();
  }

  private Future<Credential> credential(ApiRequest r, Context parent) {
    if (r.auth() instanceof InstallationAuth i) {
      Future<InstallationToken> token;
      if (parent == null) {
        token = tokens.token(i.installationId(), i.repo(), i.scope());
      } else {
        // A token minted for this request is a GitHub call of its trace.
        try (Scope s = parent.makeCurrent()) {
          token = tokens.token(i.installationId(), i.repo(), i.scope());
        }
      }
      return token.map(
          t ->
              new Credential(
                  t.token(),
                  "inst:" + i.installationId() + ":" + i.scope() + ":" + t.source(),
                  t.source() == InstallationToken.Source.MINTED));
    }
    return Future.succeededFuture(new Credential(signer.jwt(), "app", false));
  }

  private Future<ApiResponse> sendOnce(ApiRequest r, Credential cred, Context parent) {
    String url = r.path().startsWith("http") ? r.path() : apiBase + r.path();
    if (!url.startsWith(apiBase + "/")) {
      // Never send a credential to a host other than the configured API.
      return Future.failedFuture(
          new IllegalArgumentException("refusing to call outside GITHUB_API_BASE: " + url));
    }
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Accept", r.accept())
            .add("Authorization", "Bearer " + cred.value())
            .add("X-GitHub-Api-Version", API_VERSION);
    if (r.body() != null) {
      headers.add("Content-Type", "application/json; charset=utf-8");
    }
    String etagKey = null;
    EtagCache.Entry cached = null;
    if (r.method() == HttpMethod.GET) {
      etagKey = cred.identity() + " " + r.accept() + " " + url;
      cached = etags.get(etagKey);
      if (cached != null) {
        headers.add("If-None-Match", cached.etag());
      }
    }
    final String key = etagKey;
    final EtagCache.Entry entry = cached;
    GitHubTransport.Request request =
        new GitHubTransport.Request(r.method(), url, headers, r.body(), retry.requestTimeout());
    Span span =
        parent == null
            ? null
            : GitHubSpans.start(tracer, parent, r.operation(), r.method().name(), r.route());
    Future<GitHubTransport.Response> sent = transport.send(request);
    if (span != null) {
      sent = sent.andThen(ar -> GitHubSpans.end(span, ar));
    }
    return sent.recover(
            t -> {
              metrics.request(r.route(), 0);
              return Future.failedFuture(
                  ErrorClassifier.transportFailure(
                      t, r.method().name(), r.route(), r.installationId()));
            })
        .compose(
            resp -> {
              Instant now = clock.instant();
              metrics.request(r.route(), resp.status());
              trackRateLimit(r, resp);
              if (resp.status() == 304 && entry != null) {
                return Future.succeededFuture(
                    new ApiResponse(200, entry.headers(), entry.body(), true));
              }
              if (resp.status() >= 200 && resp.status() < 300) {
                String etag = resp.header("etag");
                if (key != null && etag != null) {
                  etags.put(key, new EtagCache.Entry(etag, resp.headers(), resp.body()));
                }
                return Future.succeededFuture(
                    new ApiResponse(resp.status(), resp.headers(), resp.body(), false));
              }
              GitHubApiException e =
                  ErrorClassifier.classify(
                      resp, r.method().name(), r.route(), r.installationId(), now);
              if (e instanceof GitHubApiException.RateLimited.Primary p
                  && p.retryAt().isPresent()) {
                blockedUntil.put(r.lane(), p.retryAt().get());
              }
              return Future.failedFuture(e);
            });
  }

  private void trackRateLimit(ApiRequest r, GitHubTransport.Response resp) {
    String remaining = resp.header("x-ratelimit-remaining");
    if (remaining == null) {
      return;
    }
    try {
      metrics.rateLimitRemaining(r.lane(), Long.parseLong(remaining.trim()));
    } catch (NumberFormatException ignored) {
      // not worth failing a call over a malformed header
    }
  }
}
