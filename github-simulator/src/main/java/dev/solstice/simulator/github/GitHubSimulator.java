package dev.solstice.simulator.github;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A GitHub REST API stand-in for tests, over real HTTP (Vert.x). It behaves like GitHub for the
 * endpoints the service uses:
 *
 * <ul>
 *   <li>{@code POST /app/installations/{id}/access_tokens}: verifies the App JWT (RS256 signature
 *       with the app's public key, {@code iss}, {@code exp} at most 10 minutes ahead), checks the
 *       requested repositories and permissions against the installation, issues tokens that expire
 *       ({@link #tokenLifetime}).
 *   <li>Repository endpoints check the token: unknown/expired/revoked → 401 "Bad credentials",
 *       repository outside the token → 404, missing permission → 403 "Resource not accessible by
 *       integration".
 *   <li>Contents per repository and SHA (raw media type, directories/symlinks/submodules as
 *       metadata), check runs (create/update/list with {@code check_name}, {@code filter}, {@code
 *       app_id}, pagination), issues, comments, webhook deliveries (cursor pagination) and
 *       redelivery.
 *   <li>Request bodies are validated against {@code @octokit/openapi}'s request schemas; a
 *       violation answers 422 and is kept in {@link #schemaViolations()}.
 *   <li>ETags on GETs, 304 for a matching {@code If-None-Match} (no rate-limit cost); {@code
 *       x-ratelimit-*} headers counting down per installation (and for the App).
 *   <li>Injected {@link Fault}s: latency, status codes, primary/secondary rate limits, timeouts,
 *       connection resets.
 * </ul>
 *
 * Every request is recorded ({@link #calls()}). Thread-safe: tests call it from their thread while
 * the server runs on an event loop.
 */
public final class GitHubSimulator {
  public static final String DOCS = "https://docs.github.com/rest";
  public static final String SECONDARY_MESSAGE =
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
          + " If you reach out to GitHub Support for help, please include the request ID";
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final Map<String, String> DEFAULT_PERMISSIONS =
      Map.of(
          "checks",
          "write",
          "contents",
          "read",
          "metadata",
          "read",
          "issues",
          "write",
          "pull_requests",
          "read");

  /** The GitHub App: its id and the key pair it signs JWTs with. */
  public record App(long id, String slug, KeyPair keys) {
    public RSAPrivateKey privateKey() {
      return TestKeys.privateKey(keys);
    }

    /** PEM as GitHub hands it out (PKCS#1). */
    public String pkcs1Pem() {
      return TestKeys.pkcs1Pem(keys);
    }

    public String pkcs8Pem() {
      return TestKeys.pkcs8Pem(keys);
    }

    /**
     * Writes the private key (PKCS#1) to {@code file}, readable by its owner only, for a client
     * configured with a key path; the file is deleted when the JVM exits.
     */
    public Path writePkcs1Pem(Path file) throws IOException {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, pkcs1Pem());
      file.toFile().deleteOnExit();
      return file;
    }
  }

  private record Installation(long id, Set<String> repos, Map<String, String> permissions) {}

  private record Token(
      String value,
      long installationId,
      Set<String> repos,
      Map<String, String> permissions,
      Instant expiresAt) {}

  private static final class Bucket {
    final long limit;
    long remaining;
    long reset;

    Bucket(long limit, long reset) {
      this.limit = limit;
      this.remaining = limit;
      this.reset = reset;
    }
  }

  private final Vertx vertx;
  private final App app;
  private final OpenApiSubset openApi = OpenApiSubset.load();
  private final SecureRandom random = new SecureRandom();
  private HttpServer server;
  private String baseUrl;
  private String webUrl;

  // All mutable state below is guarded by "this".
  private final Map<Long, Installation> installations = new HashMap<>();
  private final Map<String, Token> tokens = new HashMap<>();
  private final List<String> issuedTokens = new ArrayList<>();
  private final List<String> seenJwts = new ArrayList<>();
  private final Map<String, List<JsonObject>> checkRuns = new HashMap<>();
  private final Map<Long, List<JsonObject>> annotations = new HashMap<>();
  private final Map<String, List<JsonObject>> issues = new HashMap<>();
  private final Map<String, List<String>> pullFiles = new HashMap<>();
  private final Map<String, List<String>> compares = new HashMap<>();
  private final Map<String, List<JsonObject>> comments = new HashMap<>();
  private final List<JsonObject> deliveries = new ArrayList<>();
  private final List<Long> redelivered = new ArrayList<>();
  private final Map<String, Bucket> buckets = new HashMap<>();
  private final Map<String, Long> inFlightWrites = new HashMap<>();
  private final Map<String, Long> maxInFlightWrites = new HashMap<>();
  private final Map<String, Integer> repoIds = new HashMap<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final TrustEndpoints trust = new TrustEndpoints(this);

  /** Copy-on-write by default; {@link #cheapCallLog()} swaps it for a synchronized list. */
  private volatile List<RecordedCall> calls = new CopyOnWriteArrayList<>();

  private final List<String> schemaViolations = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private String staticToken;
  private Duration tokenLifetime = Duration.ofHours(1);
  private long rateLimit = 5000;
  private volatile java.time.Clock clock = java.time.Clock.systemUTC();

  private final String prefix;
  private final InstallationEndpoints installationEndpoints = new InstallationEndpoints(this);

  /** Every App whose JWTs are accepted, by id: the first one, and those registered later. */
  private final Map<Long, App> knownApps = new java.util.concurrent.ConcurrentHashMap<>();

  private final AppSetup setup = new AppSetup(this);
  private final RepositoryWrites writes = new RepositoryWrites(this);
  private final GraphQlEndpoint graphql = new GraphQlEndpoint(this);
  private final UserAccounts users = new UserAccounts(this); // issue 16
  private final CredentialSet credentials = new CredentialSet(this);
  private final CheckRunRerequests rerequests = new CheckRunRerequests(this); // issue 16
  private final RepositoryContents contents = new RepositoryContents(this);

  private GitHubSimulator(Vertx vertx, App app, String prefix) {
    this.vertx = vertx;
    this.app = app;
    this.prefix = prefix;
    knownApps.put(app.id(), app);
  }

  /** Starts on a free port with a fresh App (id 4242, new RSA key pair). */
  public static Future<GitHubSimulator> start(Vertx vertx) {
    return start(vertx, newApp());
  }

  public static Future<GitHubSimulator> start(Vertx vertx, App app) {
    return start(vertx, app, "");
  }

  /**
   * @param pathPrefix e.g. {@code /api/v3} to behave like GitHub Enterprise Server
   */
  public static Future<GitHubSimulator> start(Vertx vertx, App app, String pathPrefix) {
    GitHubSimulator sim = new GitHubSimulator(vertx, app, pathPrefix);
    return sim.listen().map(sim);
  }

  /** A new App with id 4242 and a freshly generated key pair. */
  public static App newApp() {
    return new App(4242, "solstice-ci", TestKeys.generate());
  }

  private Future<Void> listen() {
    Router router = Router.router(vertx);
    Router root = router;
    if (!prefix.isEmpty()) {
      root = Router.router(vertx);
      root.route(prefix + "/*").subRouter(router);
      root.route().handler(ctx -> ctx.response().setStatusCode(404).end());
    }
    router.route().handler(BodyHandler.create().setBodyLimit(10L * 1024 * 1024));
    router.route().handler(this::faultsAndAccounting);
    router.get("/app").handler(this::getApp);
    setup.routes(root, router, prefix.isEmpty() ? null : BodyHandler.create());
    users.routes(root, router, prefix.isEmpty() ? null : BodyHandler.create()); // issue 16
    rerequests.register(router); // issue 16
    router.post("/app/installations/:id/access_tokens").handler(this::mintToken);
    router.get("/app/hook/deliveries").handler(this::listDeliveries);
    router.post("/app/hook/deliveries/:id/attempts").handler(this::redeliver);
    contents.register(router);
    router.post("/repos/:owner/:repo/check-runs").handler(this::createCheckRun);
    router.patch("/repos/:owner/:repo/check-runs/:id").handler(this::updateCheckRun);
    router.get("/repos/:owner/:repo/commits/:ref/check-runs").handler(this::listCheckRuns);
    router.get("/repos/:owner/:repo/pulls/:number/files").handler(this::listPullRequestFiles);
    router.get("/repos/:owner/:repo/compare/:basehead").handler(this::compare);
    router.post("/repos/:owner/:repo/issues").handler(this::createIssue);
    router.post("/repos/:owner/:repo/issues/:number/comments").handler(this::createComment);
    installationEndpoints.register(router);
    trust.register(router);
    writes.register(router); // issue 13
    graphql.register(router); // issue 13
    router.route().handler(ctx -> error(ctx, 404, "Not Found", null));
    return vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(root)
        .listen()
        .map(
            s -> {
              server = s;
              baseUrl = "http://127.0.0.1:" + s.actualPort() + prefix;
              webUrl = "http://127.0.0.1:" + s.actualPort();
              return null;
            });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  // ---- test API --------------------------------------------------------------------------

  /** Pull requests of commits, commit statuses and {@code GET /meta} ({@link TrustEndpoints}). */
  public TrustEndpoints trust() {
    return trust;
  }

  // For TrustEndpoints: the checks and answers every endpoint shares.

  boolean authorizeRead(RoutingContext ctx, String permission) {
    return authorize(ctx, permission, "read");
  }

  JsonObject authorizedWrite(RoutingContext ctx, String permission) {
    return authorizedBody(ctx, permission);
  }

  void respondJson(RoutingContext ctx, int status, Object body) {
    json(ctx, status, body);
  }

  void respondError(RoutingContext ctx, int status, String message) {
    error(ctx, status, message, null);
  }

  String nowText() {
    return now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  JsonObject repoJsonOf(String fullName) {
    return repoJson(fullName);
  }

  /** The API base URL to configure the client with (no trailing slash). */
  public String baseUrl() {
    return baseUrl;
  }

  public App app() {
    return app;
  }

  /**
   * The web host ({@code https://github.com} on github.com, the server root on Enterprise Server):
   * where the App manifest form is posted ({@code /settings/apps/new}).
   */
  public String webUrl() {
    return webUrl;
  }

  /**
   * Makes {@code other}'s JWTs acceptable from now on, replacing any App of the same id: "GitHub
   * now has this key for this App" (a key rotated in the App's settings, or an App created from a
   * manifest).
   */
  public void registerApp(App other) {
    knownApps.put(other.id(), other);
  }

  /** The App created from a manifest with the {@code state} it came with, once converted. */
  public java.util.Optional<App> appFromManifest(String state) {
    return setup.createdFor(state);
  }

  /**
   * Installs the app on {@code owner/name} repositories with checks:write, contents:read,
   * metadata:read, issues:write.
   */
  public GitHubSimulator installation(long id, String... repos) {
    return installation(id, DEFAULT_PERMISSIONS, repos);
  }

  public synchronized GitHubSimulator installation(
      long id, Map<String, String> permissions, String... repos) {
    Set<String> r = java.util.Arrays.stream(repos).map(this::norm).collect(Collectors.toSet());
    installations.put(id, new Installation(id, r, Map.copyOf(permissions)));
    return this;
  }

  /**
   * Suspends (or unsuspends) an installation: {@code GET /app/installations} shows suspended_at.
   */
  public GitHubSimulator suspendInstallation(long id, boolean suspended) {
    installationEndpoints.suspend(id, suspended);
    return this;
  }

  /** Uninstalls the app: tokens stop working and minting answers 404. */
  public synchronized void removeInstallation(long id) {
    installations.remove(id);
    tokens.values().removeIf(t -> t.installationId() == id);
  }

  /** A personal/static token with access to every repository (for fallback tests). */
  public synchronized void acceptStaticToken(String token) {
    this.staticToken = token;
  }

  /** Lifetime of tokens minted from now on (GitHub: one hour). */
  public synchronized void tokenLifetime(Duration lifetime) {
    this.tokenLifetime = lifetime;
  }

  /** Revokes every installation token issued so far. */
  public synchronized void resetTokens() {
    tokens.clear();
  }

  /** The x-ratelimit-limit of new buckets. */
  public synchronized void rateLimit(long limit) {
    this.rateLimit = limit;
  }

  public void putFile(String repo, String sha, String path, byte[] bytes) {
    contents.putFile(norm(repo), sha, path, bytes);
  }

  public void putFile(String repo, String sha, String path, String text) {
    putFile(repo, sha, path, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The files pull request {@code number} of {@code repo} changes (pulls/list-files, pages of
   * per_page).
   */
  public synchronized void putPullRequestFiles(String repo, int number, List<String> paths) {
    pullFiles.put(norm(repo) + "#" + number, List.copyOf(paths));
  }

  /**
   * The files changed between two commits (repos/compare-commits-with-basehead, at most 300
   * listed).
   */
  public synchronized void putCompare(String repo, String base, String head, List<String> paths) {
    compares.put(norm(repo) + ":" + base + "..." + head, List.copyOf(paths));
  }

  public void putSymlink(String repo, String sha, String path, String target) {
    contents.putSymlink(norm(repo), sha, path, target);
  }

  public void putSubmodule(String repo, String sha, String path, String gitUrl) {
    contents.putSubmodule(norm(repo), sha, path, gitUrl);
  }

  /** Check runs of a repository, as GitHub would return them, oldest first. */
  public synchronized List<JsonObject> checkRuns(String repo) {
    return checkRuns.getOrDefault(norm(repo), List.of()).stream()
        .map(JsonObject::copy)
        .collect(Collectors.toList());
  }

  /** All annotations received for a check run, in order. */
  public synchronized List<JsonObject> annotations(long checkRunId) {
    return List.copyOf(annotations.getOrDefault(checkRunId, List.of()));
  }

  public synchronized List<JsonObject> issues(String repo) {
    return List.copyOf(issues.getOrDefault(norm(repo), List.of()));
  }

  public synchronized List<JsonObject> comments(String repo) {
    return List.copyOf(comments.getOrDefault(norm(repo), List.of()));
  }

  /** Adds a webhook delivery to the App's log; returns its id. */
  public synchronized long addHookDelivery(String event, String action, int statusCode) {
    return addHookDelivery(
        java.util.UUID.randomUUID().toString(), event, action, statusCode, false);
  }

  /**
   * Adds one attempt of delivery {@code guid} (the {@code X-GitHub-Delivery} id) to the App's log,
   * newest first, delivered now (the simulator's clock); returns the attempt's id.
   */
  public synchronized long addHookDelivery(
      String guid, String event, String action, int statusCode, boolean redelivery) {
    long id = ids.incrementAndGet();
    deliveries.add(
        0,
        new JsonObject()
            .put("id", id)
            .put("guid", guid)
            .put("delivered_at", now().truncatedTo(ChronoUnit.SECONDS).toString())
            .put("redelivery", redelivery)
            .put("duration", 0.12)
            // GitHub: "OK" for a 2xx; a timeout or refused connection has status_code 0.
            .put(
                "status",
                statusCode >= 200 && statusCode < 300
                    ? "OK"
                    : statusCode == 0 ? "Timeout" : "failed")
            .put("status_code", statusCode)
            .put("event", event)
            .put("action", action)
            .putNull("installation_id")
            .putNull("repository_id")
            .put("throttled_at", (String) null));
    return id;
  }

  public synchronized List<Long> redelivered() {
    return List.copyOf(redelivered);
  }

  /** Every request received, in arrival order. */
  public List<RecordedCall> calls() {
    return List.copyOf(calls); // toArray: atomic for both kinds of log
  }

  /**
   * Records calls in a synchronized list instead of a copy-on-write one, which copies the whole log
   * on each request: fine for tests, quadratic under load (the bench). Calls so far are kept.
   */
  public synchronized void cheapCallLog() {
    calls = java.util.Collections.synchronizedList(new ArrayList<>(calls));
  }

  public List<RecordedCall> calls(Predicate<RecordedCall> filter) {
    return calls().stream().filter(filter).collect(Collectors.toList());
  }

  /** Number of requests for an operation id, e.g. {@code count("checks/create")}. */
  public long count(String operation) {
    return calls().stream().filter(c -> c.operation().equals(operation)).count();
  }

  /** Installation tokens minted ({@code apps/create-installation-access-token} answered 201). */
  public long mints() {
    return calls().stream()
        .filter(
            c -> c.operation().equals("apps/create-installation-access-token") && c.status() == 201)
        .count();
  }

  public void inject(Fault... fs) {
    faults.addAll(List.of(fs));
  }

  public void clearFaults() {
    faults.clear();
  }

  /** Current x-ratelimit-remaining of an installation (the limit if never used). */
  public synchronized long rateLimitRemaining(long installationId) {
    Bucket b = buckets.get("installation:" + installationId);
    return b == null ? rateLimit : b.remaining;
  }

  /** Sets the remaining quota of an installation. */
  public synchronized void rateLimitRemaining(long installationId, long remaining) {
    bucket("installation:" + installationId).remaining = remaining;
  }

  /** Secrets handed out or received: tokens minted and JWTs seen (for log-leak assertions). */
  public synchronized List<String> secretsSeen() {
    List<String> all = new ArrayList<>(issuedTokens);
    all.addAll(seenJwts);
    return all;
  }

  public List<String> schemaViolations() {
    return List.copyOf(schemaViolations);
  }

  /** For tests that send an invalid body on purpose. */
  public void clearSchemaViolations() {
    schemaViolations.clear();
  }

  /**
   * The simulator's notion of now (token expiry, JWT checks, Date and rate-limit headers). Share
   * one advanceable clock with the client to let time pass without sleeping.
   */
  public void clock(java.time.Clock clock) {
    this.clock = clock;
  }

  private Instant now() {
    return clock.instant();
  }

  /** Highest number of writes one installation had in flight at once (GitHub wants 1). */
  public synchronized long maxConcurrentWrites(long installationId) {
    return maxInFlightWrites.getOrDefault("installation:" + installationId, 0L);
  }

  // ---- request pipeline ------------------------------------------------------------------

  private static final String CALL = "sim.call";
  static final String SIGNER = "sim.signer";

  private final class CallInfo {
    final String method;
    final String path;
    final String query;
    String operation;
    String credential = "none";
    long installationId;
    String bucket = "anonymous";
    Fault.Kind fault;
    boolean write;

    CallInfo(RoutingContext ctx) {
      this.method = ctx.request().method().name();
      this.path = ctx.request().path().substring(prefix.length());
      this.query = ctx.request().query();
      this.operation = operationOf(method, path);
      this.write = !method.equals("GET") && !method.equals("HEAD");
    }
  }

  private void faultsAndAccounting(RoutingContext ctx) {
    CallInfo info = new CallInfo(ctx);
    ctx.put(CALL, info);
    identify(ctx, info);
    if (info.write) {
      synchronized (this) {
        long n = inFlightWrites.merge(info.bucket, 1L, Long::sum);
        maxInFlightWrites.merge(info.bucket, n, Math::max);
      }
      ctx.addEndHandler(
          v -> {
            synchronized (this) {
              inFlightWrites.merge(info.bucket, -1L, Long::sum);
            }
          });
    }
    long latency = 0;
    Fault action = null;
    for (Fault f : faults) {
      if (!f.matches(info.method, info.path)) {
        continue;
      }
      if (f.kind() == Fault.Kind.LATENCY) {
        if (f.take()) {
          latency += f.duration().toMillis();
        }
      } else if (action == null && f.take()) {
        action = f;
      }
    }
    faults.removeIf(f -> f.remaining() == 0);
    Fault chosen = action;
    if (latency > 0) {
      vertx.setTimer(latency, t -> afterLatency(ctx, info, chosen));
    } else {
      afterLatency(ctx, info, chosen);
    }
  }

  private void afterLatency(RoutingContext ctx, CallInfo info, Fault f) {
    if (f == null) {
      if (quotaExhausted(info)) {
        error(
            ctx,
            403,
            "API rate limit exceeded for installation ID " + info.installationId + ".",
            null);
      } else if (overSecondaryLimit(info)) {
        info.fault = Fault.Kind.SECONDARY_RATE_LIMIT;
        ctx.response().putHeader("retry-after", Long.toString(secondaryLimit.retryAfterSeconds()));
        error(ctx, 403, SECONDARY_MESSAGE, null);
      } else {
        ctx.next();
      }
      return;
    }
    info.fault = f.kind();
    switch (f.kind()) {
      case TIMEOUT -> record(info, 0); // never answer
      case RESET -> {
        record(info, 0);
        ctx.request().connection().close();
      }
      case STATUS -> {
        FaultHeaders.retryAfter(ctx.response(), f, now(), HTTP_DATE);
        error(ctx, f.status(), reason(f.status()), null);
      }
      case PRIMARY_RATE_LIMIT -> {
        long reset = now().plus(f.duration()).getEpochSecond() + 1;
        synchronized (this) {
          Bucket b = bucket(info.bucket);
          b.remaining = 0;
          b.reset = reset;
        }
        error(
            ctx,
            403,
            "API rate limit exceeded for installation ID " + info.installationId + ".",
            null);
        synchronized (this) {
          // The fault is one answer; the quota is back for the next request.
          bucket(info.bucket).remaining = rateLimit;
        }
      }
      case SECONDARY_RATE_LIMIT -> {
        ctx.response()
            .putHeader("retry-after", Long.toString(Math.max(0, f.duration().toSeconds())));
        error(ctx, 403, SECONDARY_MESSAGE, null);
      }
      case SECONDARY_MESSAGE_ONLY -> error(ctx, 403, SECONDARY_MESSAGE, null);
      case LOST_RESPONSE -> ctx.next(); // handled in send(): processed, then dropped
      default -> ctx.next();
    }
  }

  private volatile SecondaryWriteLimit secondaryLimit;

  /**
   * Enforces GitHub's secondary limit on content-creating requests per installation: at most {@code
   * perWindow} in any sliding {@code window}; over it, 403 with the secondary-limit message
   * (recorded with {@link Fault.Kind#SECONDARY_RATE_LIMIT}). Off by default.
   */
  public SecondaryWriteLimit secondaryWriteLimit(int perWindow, java.time.Duration window) {
    secondaryLimit = new SecondaryWriteLimit(perWindow, window);
    return secondaryLimit;
  }

  private boolean overSecondaryLimit(CallInfo info) {
    SecondaryWriteLimit limit = secondaryLimit;
    return limit != null
        && info.write
        && info.installationId != 0
        && !"apps/create-installation-access-token".equals(info.operation)
        && !limit.admit(info.installationId, now());
  }

  /** True when the caller's hourly quota is used up; refills it once the reset has passed. */
  private synchronized boolean quotaExhausted(CallInfo info) {
    if (info.bucket.equals("anonymous")) {
      return false;
    }
    Bucket b = bucket(info.bucket);
    if (now().getEpochSecond() >= b.reset) {
      b.remaining = b.limit;
      b.reset = now().plus(Duration.ofHours(1)).getEpochSecond();
    }
    return b.remaining <= 0;
  }

  /** Works out the credential (without judging it) for recording and rate-limit buckets. */
  private void identify(RoutingContext ctx, CallInfo info) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null) {
      return;
    }
    String value = auth.replaceFirst("(?i)^(bearer|token)\\s+", "");
    synchronized (this) {
      if (value.chars().filter(c -> c == '.').count() == 2) {
        info.credential = "jwt";
        info.bucket = "app";
        seenJwts.add(value);
      } else if (tokens.containsKey(value)) {
        info.credential = "installation";
        info.installationId = tokens.get(value).installationId();
        info.bucket = "installation:" + info.installationId;
      } else if (value.equals(staticToken)) {
        info.credential = "static";
        info.bucket = "static";
      } else if (credentials.pat(value) != null) {
        info.credential = "pat";
        info.bucket = CredentialSet.bucket(credentials.pat(value).name());
      } else {
        info.credential = "invalid";
      }
    }
  }

  // ---- handlers --------------------------------------------------------------------------

  private CallInfo info(RoutingContext ctx) {
    return ctx.get(CALL);
  }

  private void getApp(RoutingContext ctx) {
    String failure = verifyJwt(ctx);
    if (failure != null) {
      error(ctx, 401, failure, null);
      return;
    }
    String now = now().truncatedTo(ChronoUnit.SECONDS).toString();
    App signer = ctx.get(SIGNER);
    JsonObject a =
        appJson(signer)
            .put("description", "")
            .put("external_url", "https://solstice.example")
            .put("html_url", "https://github.com/apps/" + app.slug())
            .put("created_at", now)
            .put("updated_at", now)
            .put("permissions", new JsonObject(new TreeMap<>(DEFAULT_PERMISSIONS)))
            .put("events", new JsonArray().add("push").add("pull_request"));
    conditional(ctx, 200, a.toBuffer(), "application/json; charset=utf-8");
  }

  private void mintToken(RoutingContext ctx) {
    CallInfo info = ctx.get(CALL);
    String failure = verifyJwt(ctx);
    if (failure != null) {
      error(ctx, 401, failure, null);
      return;
    }
    JsonObject body = validBody(ctx, info, true);
    if (body == null) {
      return;
    }
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      error(ctx, 404, "Not Found", null);
      return;
    }
    JsonObject answer;
    synchronized (this) {
      Installation inst = installations.get(id);
      if (inst == null) {
        answer = null;
      } else {
        Set<String> repos = inst.repos();
        JsonArray asked = body.getJsonArray("repositories");
        if (asked != null) {
          Set<String> wanted = new java.util.HashSet<>();
          for (Object o : asked) {
            String full = norm(ownerOf(inst) + "/" + o);
            String match =
                inst.repos().stream()
                    .filter(r -> r.endsWith("/" + norm(o.toString())))
                    .findFirst()
                    .orElse(full);
            if (!inst.repos().contains(match)) {
              error(
                  ctx,
                  422,
                  "There is at least one repository that does not exist or is not accessible to"
                      + " the parent installation.",
                  null);
              return;
            }
            wanted.add(match);
          }
          repos = wanted;
        }
        Map<String, String> perms = inst.permissions();
        JsonObject askedPerms = body.getJsonObject("permissions");
        if (askedPerms != null) {
          Map<String, String> p = new TreeMap<>();
          for (String k : askedPerms.fieldNames()) {
            String level = askedPerms.getString(k);
            String granted = inst.permissions().get(k);
            if (granted == null || (level.equals("write") && !granted.equals("write"))) {
              error(
                  ctx,
                  422,
                  "The permissions requested are not granted to this installation.",
                  null);
              return;
            }
            p.put(k, level);
          }
          perms = p;
        }
        String value = "ghs_" + randomAlnum(36);
        Instant expires = now().plus(tokenLifetime).truncatedTo(ChronoUnit.SECONDS);
        tokens.put(value, new Token(value, id, Set.copyOf(repos), Map.copyOf(perms), expires));
        issuedTokens.add(value);
        JsonArray repoList = new JsonArray();
        repos.forEach(r -> repoList.add(repoJson(r)));
        answer =
            new JsonObject()
                .put("token", value)
                .put("expires_at", expires.toString())
                .put("permissions", new JsonObject(new TreeMap<>(perms)))
                .put("repository_selection", "selected")
                .put("repositories", repoList);
      }
    }
    if (answer == null) {
      error(ctx, 404, "Not Found", null);
    } else {
      json(ctx, 201, answer);
    }
  }

  /**
   * For {@link AppSetup}: the installation's account login, repositories and permissions, or null
   * when the App is not installed there.
   */
  synchronized AppSetup.InstallationView installationView(long id) {
    Installation inst = installations.get(id);
    return inst == null
        ? null
        : new AppSetup.InstallationView(
            inst.id(), ownerOf(inst), new java.util.TreeSet<>(inst.repos()), inst.permissions());
  }

  /** For {@link AppSetup}: the installation a live installation token belongs to, or 0. */
  synchronized long installationOfToken(String value) {
    Token t = tokens.get(value);
    return t == null || !t.expiresAt().isAfter(now()) ? 0 : t.installationId();
  }

  Instant clockNow() {
    return now();
  }

  private String ownerOf(Installation inst) {
    return inst.repos().stream().findFirst().map(r -> r.substring(0, r.indexOf('/'))).orElse("");
  }

  /** null when the App JWT is acceptable, else GitHub's 401 message. */
  String verifyJwt(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "A JSON web token could not be decoded";
    }
    Claims claims = null;
    App signer = null;
    for (App candidate : knownApps.values()) {
      Claims verified;
      try {
        verified =
            Jwts.parser()
                .clock(() -> java.util.Date.from(now()))
                .verifyWith(TestKeys.publicKey(candidate.keys()))
                .build()
                .parseSignedClaims(auth.substring(7).trim())
                .getPayload();
      } catch (io.jsonwebtoken.security.SignatureException otherKey) {
        continue;
      } catch (io.jsonwebtoken.ExpiredJwtException e) {
        return "'Expiration time' claim ('exp') must be a numeric value representing the future"
            + " time at which the assertion expires";
      } catch (JwtException | IllegalArgumentException e) {
        return "A JSON web token could not be decoded";
      }
      // Several Apps may share a key; the issuer says which one signed.
      if (claims == null || Long.toString(candidate.id()).equals(verified.getIssuer())) {
        claims = verified;
        signer = candidate;
      }
    }
    if (claims == null) {
      return "A JSON web token could not be decoded";
    }
    if (claims.getExpiration() == null || claims.getIssuedAt() == null) {
      return "A JSON web token could not be decoded";
    }
    if (claims.getExpiration().toInstant().isAfter(now().plus(Duration.ofMinutes(10)))) {
      return "'Expiration time' claim ('exp') is too far in the future";
    }
    if (claims.getIssuedAt().toInstant().isAfter(now().plusSeconds(60))) {
      return "'Issued at' claim ('iat') must be an Integer representing the time that the"
          + " assertion was issued";
    }
    if (!Long.toString(signer.id()).equals(claims.getIssuer())) {
      return "Integration not found";
    }
    ctx.put(SIGNER, signer);
    return null;
  }

  /**
   * Checks the installation token for {@code owner/repo} and the permission; answers the error
   * itself and returns false when refused.
   */
  private boolean authorize(RoutingContext ctx, String permission, String level) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null) {
      error(ctx, 401, "Requires authentication", null);
      return false;
    }
    String value = auth.replaceFirst("(?i)^(bearer|token)\\s+", "");
    String repo = repoOf(ctx);
    synchronized (this) {
      if (value.equals(staticToken)) {
        if (permission.equals("checks") && level.equals("write")) {
          // GitHub: check-run writes need an App's installation token.
          error(ctx, 403, TrustEndpoints.APP_ONLY, null);
          return false;
        }
        return true;
      }
      CredentialSet.Pat pat = credentials.pat(value);
      if (pat != null) {
        if (!pat.repos().contains(repo)) {
          error(ctx, 404, "Not Found", null);
          return false;
        }
        return true;
      }
      Token t = tokens.get(value);
      if (t == null || !t.expiresAt().isAfter(now())) {
        error(ctx, 401, "Bad credentials", null);
        return false;
      }
      if (!t.repos().contains(repo)) {
        error(ctx, 404, "Not Found", null);
        return false;
      }
      String granted = t.permissions().get(permission);
      boolean ok = granted != null && (level.equals("read") || granted.equals("write"));
      if (!ok) {
        error(ctx, 403, "Resource not accessible by integration", null);
        return false;
      }
    }
    return true;
  }

  private void createCheckRun(RoutingContext ctx) {
    JsonObject body = authorizedBody(ctx, "checks");
    if (body == null) {
      return;
    }
    if (body.containsKey("conclusion")) {
      body.put("status", "completed");
    }
    if ("completed".equals(body.getString("status")) && body.getString("conclusion") == null) {
      error(ctx, 422, "Invalid request.\n\n\"conclusion\" wasn't supplied.", null);
      return;
    }
    String repo = repoOf(ctx);
    long id = ids.incrementAndGet();
    JsonObject run =
        new JsonObject()
            .put("id", id)
            .put("node_id", "CR_" + id)
            .put("head_sha", body.getString("head_sha"))
            .put("external_id", body.getString("external_id", ""))
            .put("url", baseUrl + "/repos/" + repo + "/check-runs/" + id)
            .put("html_url", "https://github.com/" + repo + "/runs/" + id)
            .put(
                "details_url",
                body.getString("details_url", "https://github.com/apps/" + app.slug()))
            .put("status", body.getString("status", "queued"))
            .put("conclusion", body.getString("conclusion"))
            .put(
                "started_at",
                body.getString("started_at", now().truncatedTo(ChronoUnit.SECONDS).toString()))
            .put("completed_at", body.getString("completed_at"))
            .put("name", body.getString("name"))
            .put("check_suite", new JsonObject().put("id", id / 10))
            .put("app", appJson())
            .put("pull_requests", new JsonArray());
    synchronized (this) {
      applyOutput(run, body.getJsonObject("output"));
      checkRuns.computeIfAbsent(repo, k -> new ArrayList<>()).add(run);
      json(ctx, 201, run.copy());
    }
  }

  private void updateCheckRun(RoutingContext ctx) {
    JsonObject body = authorizedBody(ctx, "checks");
    if (body == null) {
      return;
    }
    String repo = repoOf(ctx);
    synchronized (this) {
      JsonObject run =
          checkRuns.getOrDefault(repo, List.of()).stream()
              .filter(r -> ctx.pathParam("id").equals(String.valueOf(r.getLong("id"))))
              .findFirst()
              .orElse(null);
      if (run == null) {
        error(ctx, 404, "Not Found", null);
        return;
      }
      if (body.containsKey("conclusion")) {
        body.put("status", "completed");
      }
      if ("completed".equals(body.getString("status"))
          && body.getString("conclusion") == null
          && run.getString("conclusion") == null) {
        error(ctx, 422, "Invalid request.\n\n\"conclusion\" wasn't supplied.", null);
        return;
      }
      for (String k :
          List.of(
              "name",
              "details_url",
              "external_id",
              "started_at",
              "status",
              "conclusion",
              "completed_at")) {
        if (body.containsKey(k)) {
          run.put(k, body.getValue(k));
        }
      }
      if ("completed".equals(run.getString("status")) && run.getString("completed_at") == null) {
        run.put("completed_at", now().truncatedTo(ChronoUnit.SECONDS).toString());
      }
      applyOutput(run, body.getJsonObject("output"));
      json(ctx, 200, run.copy());
    }
  }

  /** Caller holds the lock. Annotations are appended, as GitHub does. */
  private void applyOutput(JsonObject run, JsonObject output) {
    JsonObject current =
        run.getJsonObject(
            "output",
            new JsonObject()
                .putNull("title")
                .putNull("summary")
                .putNull("text")
                .put("annotations_count", 0)
                .put("annotations_url", run.getString("url") + "/annotations"));
    if (output != null) {
      for (String k : List.of("title", "summary", "text")) {
        if (output.containsKey(k)) {
          current.put(k, output.getValue(k));
        }
      }
      JsonArray a = output.getJsonArray("annotations");
      if (a != null) {
        List<JsonObject> list =
            annotations.computeIfAbsent(run.getLong("id"), k -> new ArrayList<>());
        a.forEach(x -> list.add((JsonObject) x));
        current.put("annotations_count", list.size());
      }
    }
    run.put("output", current);
  }

  private void listCheckRuns(RoutingContext ctx) {
    if (!authorize(ctx, "checks", "read")) {
      return;
    }
    String repo = repoOf(ctx);
    String ref = ctx.pathParam("ref");
    String name = ctx.request().getParam("check_name");
    String filter = ctx.request().getParam("filter", "latest");
    String appId = ctx.request().getParam("app_id");
    List<JsonObject> matching;
    synchronized (this) {
      matching =
          checkRuns.getOrDefault(repo, List.of()).stream()
              .filter(r -> ref.equals(r.getString("head_sha")))
              .filter(r -> name == null || name.equals(r.getString("name")))
              .filter(r -> appId == null || appId.equals(String.valueOf(app.id())))
              .map(JsonObject::copy)
              .collect(Collectors.toList());
    }
    if ("latest".equals(filter)) {
      Map<String, JsonObject> latest = new LinkedHashMap<>();
      matching.forEach(r -> latest.put(r.getString("name"), r)); // later runs win
      matching = new ArrayList<>(latest.values());
    }
    java.util.Collections.reverse(matching); // newest first, like GitHub
    JsonObject answer =
        new JsonObject()
            .put("total_count", matching.size())
            .put("check_runs", new JsonArray(new ArrayList<>(page(ctx, matching))));
    conditional(ctx, 200, answer.toBuffer(), "application/json; charset=utf-8");
  }

  private void listPullRequestFiles(RoutingContext ctx) {
    if (!authorize(ctx, "pull_requests", "read")) {
      return;
    }
    String repo = repoOf(ctx);
    List<String> all;
    synchronized (this) {
      all = pullFiles.get(repo + "#" + ctx.pathParam("number"));
    }
    if (all == null) {
      error(ctx, 404, "Not Found", null);
      return;
    }
    all = all.subList(0, Math.min(all.size(), 3000)); // GitHub lists at most 3000 files
    JsonArray list = new JsonArray();
    for (String f : page(ctx, all)) {
      list.add(fileJson(f));
    }
    conditional(ctx, 200, list.toBuffer(), "application/json; charset=utf-8");
  }

  /**
   * The {@code page} asked for ({@code per_page} items, at most 100, 30 by default), with a {@code
   * link: rel="next"} header when more follow.
   */
  private <T> List<T> page(RoutingContext ctx, List<T> all) {
    int perPage = perPage(ctx);
    int page = Integer.parseInt(ctx.request().getParam("page", "1"));
    int from = Math.min(all.size(), (page - 1) * perPage);
    int to = Math.min(all.size(), from + perPage);
    if (to < all.size()) {
      String q = ctx.request().query().replaceAll("(^|&)page=\\d+", "");
      ctx.response()
          .putHeader(
              "link",
              "<"
                  + baseUrl
                  + info(ctx).path
                  + "?"
                  + (q.isEmpty() ? "" : q.replaceFirst("^&", "") + "&")
                  + "page="
                  + (page + 1)
                  + ">; rel=\"next\"");
    }
    return all.subList(from, to);
  }

  private static int perPage(RoutingContext ctx) {
    return Math.min(100, Integer.parseInt(ctx.request().getParam("per_page", "30")));
  }

  private JsonObject fileJson(String path) {
    return new JsonObject()
        .put("sha", sha1Hex(path))
        .put("filename", path)
        .put("status", "modified")
        .put("additions", 1)
        .put("deletions", 0)
        .put("changes", 1)
        .put("blob_url", "https://github.com/blob/" + path)
        .put("raw_url", "https://github.com/raw/" + path)
        .put("contents_url", baseUrl + "/contents/" + path);
  }

  private void compare(RoutingContext ctx) {
    if (!authorize(ctx, "contents", "read")) {
      return;
    }
    String repo = repoOf(ctx);
    String basehead = ctx.pathParam("basehead");
    List<String> all;
    synchronized (this) {
      all = compares.get(repo + ":" + basehead);
    }
    if (all == null) {
      error(ctx, 404, "Not Found", null);
      return;
    }
    JsonArray files = new JsonArray();
    all.stream().limit(300).forEach(f -> files.add(fileJson(f))); // at most 300, first page only
    JsonObject answer =
        new JsonObject()
            .put("url", baseUrl + info(ctx).path)
            .put("html_url", "https://github.com/" + repo + "/compare/" + basehead)
            .put("permalink_url", "https://github.com/" + repo + "/compare/" + basehead)
            .put("diff_url", "https://github.com/" + repo + "/compare/" + basehead + ".diff")
            .put("patch_url", "https://github.com/" + repo + "/compare/" + basehead + ".patch")
            .put(
                "base_commit",
                new JsonObject()
                    .put("sha", basehead.substring(0, Math.max(0, basehead.indexOf("...")))))
            .put(
                "merge_base_commit",
                new JsonObject()
                    .put("sha", basehead.substring(0, Math.max(0, basehead.indexOf("...")))))
            .put("status", "ahead")
            .put("ahead_by", 1)
            .put("behind_by", 0)
            .put("total_commits", 1)
            .put("commits", new JsonArray())
            .put("files", files);
    conditional(ctx, 200, answer.toBuffer(), "application/json; charset=utf-8");
  }

  private void createIssue(RoutingContext ctx) {
    JsonObject body = authorizedBody(ctx, "issues");
    if (body == null) {
      return;
    }
    String repo = repoOf(ctx);
    synchronized (this) {
      List<JsonObject> list = issues.computeIfAbsent(repo, k -> new ArrayList<>());
      int number = list.size() + 1;
      long id = ids.incrementAndGet();
      String now = now().truncatedTo(ChronoUnit.SECONDS).toString();
      String url = baseUrl + "/repos/" + repo + "/issues/" + number;
      JsonObject issue =
          new JsonObject()
              .put("id", id)
              .put("node_id", "I_" + id)
              .put("url", url)
              .put("repository_url", baseUrl + "/repos/" + repo)
              .put("labels_url", url + "/labels{/name}")
              .put("comments_url", url + "/comments")
              .put("events_url", url + "/events")
              .put("html_url", "https://github.com/" + repo + "/issues/" + number)
              .put("number", number)
              .put("state", "open")
              .put("title", String.valueOf(body.getValue("title")))
              .put("body", body.getString("body"))
              .put("user", botUser())
              .put("labels", labels(body.getJsonArray("labels")))
              .putNull("assignee")
              .putNull("milestone")
              .put("locked", false)
              .put("comments", 0)
              .putNull("closed_at")
              .put("created_at", now)
              .put("updated_at", now);
      list.add(issue);
      json(ctx, 201, issue.copy());
    }
  }

  private void createComment(RoutingContext ctx) {
    JsonObject body = authorizedBody(ctx, "issues");
    if (body == null) {
      return;
    }
    String repo = repoOf(ctx);
    String number = ctx.pathParam("number");
    synchronized (this) {
      long id = ids.incrementAndGet();
      String now = now().truncatedTo(ChronoUnit.SECONDS).toString();
      JsonObject c =
          new JsonObject()
              .put("id", id)
              .put("node_id", "IC_" + id)
              .put("url", baseUrl + "/repos/" + repo + "/issues/comments/" + id)
              .put(
                  "html_url",
                  "https://github.com/" + repo + "/issues/" + number + "#issuecomment-" + id)
              .put("issue_url", baseUrl + "/repos/" + repo + "/issues/" + number)
              .put("body", body.getString("body"))
              .put("user", botUser())
              .put("created_at", now)
              .put("updated_at", now);
      comments.computeIfAbsent(repo, k -> new ArrayList<>()).add(c);
      json(ctx, 201, c.copy());
    }
  }

  private void listDeliveries(RoutingContext ctx) {
    String failure = verifyJwt(ctx);
    if (failure != null) {
      error(ctx, 401, failure, null);
      return;
    }
    int perPage = perPage(ctx);
    String cursor = ctx.request().getParam("cursor");
    List<JsonObject> all;
    synchronized (this) {
      all = deliveries.stream().map(JsonObject::copy).collect(Collectors.toList());
    }
    int from = 0;
    if (cursor != null) {
      long after = Long.parseLong(cursor.replace("v1_", ""));
      while (from < all.size() && all.get(from).getLong("id") >= after) {
        from++;
      }
    }
    int to = Math.min(all.size(), from + perPage);
    if (to < all.size()) {
      long next = all.get(to - 1).getLong("id");
      ctx.response()
          .putHeader(
              "link",
              "<"
                  + baseUrl
                  + "/app/hook/deliveries?per_page="
                  + perPage
                  + "&cursor=v1_"
                  + next
                  + ">; rel=\"next\"");
    }
    conditional(
        ctx,
        200,
        new JsonArray(new ArrayList<>(all.subList(from, to))).toBuffer(),
        "application/json; charset=utf-8");
  }

  private void redeliver(RoutingContext ctx) {
    String failure = verifyJwt(ctx);
    if (failure != null) {
      error(ctx, 401, failure, null);
      return;
    }
    long id = Long.parseLong(ctx.pathParam("id"));
    synchronized (this) {
      if (deliveries.stream().noneMatch(d -> d.getLong("id") == id)) {
        error(ctx, 404, "Not Found", null);
        return;
      }
      redelivered.add(id);
    }
    json(ctx, 202, new JsonObject());
  }

  // ---- response helpers ------------------------------------------------------------------

  /** Parses and schema-checks the body; answers 400/422 itself and returns null on failure. */
  /**
   * The body of a write with an installation token: null (the answer already sent) when the token
   * lacks {@code permission: write} or the body is not what GitHub accepts.
   */
  private JsonObject authorizedBody(RoutingContext ctx, String permission) {
    if (!authorize(ctx, permission, "write")) {
      return null;
    }
    return validBody(ctx, ctx.get(CALL), true);
  }

  private JsonObject validBody(RoutingContext ctx, CallInfo info, boolean required) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      if (required && openApi.hasRequestSchema(info.operation)) {
        text = "{}";
      } else {
        return new JsonObject();
      }
    }
    JsonObject body;
    try {
      body = new JsonObject(text);
    } catch (RuntimeException e) {
      error(ctx, 400, "Problems parsing JSON", null);
      return null;
    }
    List<String> errors = openApi.validate(info.operation, text);
    if (!errors.isEmpty()) {
      String msg = info.method + " " + info.path + " (" + info.operation + "): " + errors;
      schemaViolations.add(msg);
      error(ctx, 422, "Invalid request.\n\n" + String.join("\n", errors), null);
      return null;
    }
    return body;
  }

  void json(RoutingContext ctx, int status, Object body) {
    Buffer b = body instanceof JsonObject o ? o.toBuffer() : ((JsonArray) body).toBuffer();
    send(ctx, status, b, "application/json; charset=utf-8", true);
  }

  void error(RoutingContext ctx, int status, String message, String docs) {
    JsonObject body =
        new JsonObject()
            .put("message", message)
            .put("documentation_url", docs == null ? DOCS : docs)
            .put("status", Integer.toString(status));
    send(ctx, status, body.toBuffer(), "application/json; charset=utf-8", true);
  }

  /** A GET answer with an ETag; 304 (free) when the client already has it. */
  void conditional(RoutingContext ctx, int status, Buffer body, String contentType) {
    String etag = "W/\"" + sha256Hex(body) + "\"";
    ctx.response().putHeader("etag", etag);
    String inm = ctx.request().getHeader("If-None-Match");
    if (inm != null && inm.equals(etag)) {
      send(ctx, 304, Buffer.buffer(), null, false);
      return;
    }
    send(ctx, status, body, contentType, true);
  }

  private void send(RoutingContext ctx, int status, Buffer body, String type, boolean costs) {
    CallInfo info = ctx.get(CALL);
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    if (info.fault == Fault.Kind.LOST_RESPONSE) {
      record(info, 0);
      ctx.request().connection().close();
      return;
    }
    Bucket b;
    synchronized (this) {
      b = bucket(info.bucket);
      if (costs && !(status == 403 && b.remaining == 0) && b.remaining > 0) {
        b.remaining--;
      }
      resp.putHeader("x-ratelimit-limit", Long.toString(b.limit))
          .putHeader("x-ratelimit-remaining", Long.toString(b.remaining))
          .putHeader("x-ratelimit-used", Long.toString(b.limit - b.remaining))
          .putHeader("x-ratelimit-reset", Long.toString(b.reset))
          .putHeader("x-ratelimit-resource", "core");
    }
    resp.putHeader("date", HTTP_DATE.format(now()))
        .putHeader("x-github-request-id", randomAlnum(8).toUpperCase(Locale.ROOT))
        .putHeader("x-github-api-version-selected", "2022-11-28");
    if (type != null) {
      resp.putHeader("content-type", type);
    }
    record(info, status);
    resp.setStatusCode(status).end(body);
  }

  private void record(CallInfo info, int status) {
    calls.add(
        new RecordedCall(
            info.method,
            info.path,
            info.query,
            info.operation,
            info.credential,
            info.installationId,
            status,
            info.fault,
            now()));
  }

  /** Extra Apps and PATs, each with a rate limit of its own (issue 13). */
  public CredentialSet credentials() {
    return credentials;
  }

  /** A fresh bucket of {@code limit} requests for {@code key}. */
  synchronized void bucketLimit(String key, long limit) {
    buckets.put(key, new Bucket(limit, now().plus(Duration.ofHours(1)).getEpochSecond()));
  }

  synchronized long bucketRemaining(String key) {
    Bucket b = buckets.get(key);
    return b == null ? rateLimit : b.remaining;
  }

  /** Caller holds the lock (or this is called from a synchronized method). */
  private Bucket bucket(String key) {
    return buckets.computeIfAbsent(
        key, k -> new Bucket(rateLimit, now().plus(Duration.ofHours(1)).getEpochSecond()));
  }

  // ---- small helpers ---------------------------------------------------------------------

  static String operationOf(String method, String path) {
    if (path.equals("/graphql")) {
      return "graphql";
    }
    String trusted = TrustEndpoints.operationOf(method, path);
    if (trusted != null) {
      return trusted;
    }
    String[] p = path.split("/");
    if (path.equals("/app") && method.equals("GET")) {
      return "apps/get-authenticated";
    }
    if (path.matches("/app/installations/[^/]+/access_tokens")) {
      return "apps/create-installation-access-token";
    }
    if (path.equals("/app/hook/deliveries")) {
      return "apps/list-webhook-deliveries";
    }
    if (path.matches("/app-manifests/[^/]+/conversions")) {
      return "apps/create-from-manifest";
    }
    if (path.matches("/app/installations/[^/]+") && method.equals("GET")) {
      return "apps/get-installation";
    }
    if (CheckRunRerequests.operationOf(method, path) != null) {
      return CheckRunRerequests.operationOf(method, path);
    }
    if (UserAccounts.operationOf(method, path) != null) {
      return UserAccounts.operationOf(method, path);
    }
    if (InstallationEndpoints.operationOf(method, path) != null) {
      return InstallationEndpoints.operationOf(method, path);
    }
    if (path.matches("/app/hook/deliveries/[^/]+/attempts")) {
      return "apps/redeliver-webhook-delivery";
    }
    if (p.length >= 5 && p[1].equals("repos")) {
      String rest = String.join("/", java.util.Arrays.copyOfRange(p, 4, p.length));
      if (rest.startsWith("contents") && (method.equals("GET") || method.equals("HEAD"))) {
        return "repos/get-content";
      }
      if (rest.equals("check-runs") && method.equals("POST")) {
        return "checks/create";
      }
      if (rest.matches("check-runs/[^/]+") && method.equals("PATCH")) {
        return "checks/update";
      }
      if (rest.matches("commits/.+/check-runs")) {
        return "checks/list-for-ref";
      }
      if (rest.matches("pulls/\\d+/files")) {
        return "pulls/list-files";
      }
      if (rest.startsWith("compare/")) {
        return "repos/compare-commits-with-basehead";
      }
      if (rest.equals("issues") && method.equals("POST")) {
        return "issues/create";
      }
      if (rest.matches("issues/\\d+/comments") && method.equals("POST")) {
        return "issues/create-comment";
      }
    }
    String write = RepositoryWrites.operationOf(method, path);
    return write != null ? write : "unknown";
  }

  // ---- issue 15: what InstallationEndpoints reads --------------------------------------------

  /** The installations' repositories, by installation id (sorted). */
  synchronized java.util.SortedMap<Long, List<String>> installationRepositories() {
    java.util.SortedMap<Long, List<String>> out = new java.util.TreeMap<>();
    installations.forEach((id, inst) -> out.put(id, inst.repos().stream().sorted().toList()));
    return out;
  }

  synchronized JsonObject repoJson(String fullName) {
    int id = repoIds.computeIfAbsent(fullName, k -> repoIds.size() + 1);
    return new JsonObject()
        .put("id", id)
        .put("name", fullName.substring(fullName.indexOf('/') + 1))
        .put("full_name", fullName)
        .put("private", true);
  }

  private JsonObject appJson() {
    return appJson(app);
  }

  private static JsonObject appJson(App app) {
    return new JsonObject()
        .put("id", app.id())
        .put("slug", app.slug())
        .put("node_id", "A_" + app.id())
        .put("name", app.slug())
        .put("owner", botUser(app));
  }

  private JsonObject botUser() {
    return botUser(app);
  }

  private static JsonObject botUser(App app) {
    return new JsonObject()
        .put("login", app.slug() + "[bot]")
        .put("id", app.id() * 10)
        .put("type", "Bot");
  }

  private static JsonArray labels(JsonArray asked) {
    JsonArray out = new JsonArray();
    if (asked != null) {
      for (Object l : asked) {
        out.add(
            new JsonObject()
                .put("name", l instanceof JsonObject o ? o.getString("name") : String.valueOf(l)));
      }
    }
    return out;
  }

  private String norm(String repo) {
    return repo.toLowerCase(Locale.ROOT);
  }

  /** The {@code owner/repo} of the request path, lower-cased as repositories are keyed. */
  private String repoOf(RoutingContext ctx) {
    return norm(ctx.pathParam("owner") + "/" + ctx.pathParam("repo"));
  }

  private String randomAlnum(int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String sha256Hex(Buffer b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hex SHA-1 of a string (GitHub's blob and file shas look like this). */
  static String sha1Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 500 -> "Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Error " + status;
    };
  }

  // ---- issue 13: what RepositoryWrites uses ----------------------------------------------

  /** Commit comments, releases, release assets and file updates (issue 13). */
  public RepositoryWrites writes() {
    return writes;
  }

  /** GitHub users, their OAuth web flow and repository access (issue 16). */
  public UserAccounts users() {
    return users;
  }

  /** Check-run Re-run requests and the rerequested webhooks they send (issue 16). */
  public CheckRunRerequests rerequests() {
    return rerequests;
  }

  /** GitHub's GraphQL API ({@code POST /graphql}) and its test data. */
  public GraphQlEndpoint graphql() {
    return graphql;
  }

  /**
   * The repositories ({@code owner/name}, lower case) an unexpired installation token covers; null
   * when the token is unknown or expired.
   */
  synchronized Set<String> reposOfToken(String value) {
    Token t = tokens.get(value);
    return t == null || !t.expiresAt().isAfter(now()) ? null : Set.copyOf(t.repos());
  }

  /** The uploads host (GitHub's {@code https://uploads.github.com}): this server under /uploads. */
  public String uploadsUrl() {
    return baseUrl + "/uploads";
  }

  boolean authorizeWrite(RoutingContext ctx, String permission) {
    return authorize(ctx, permission, "write");
  }

  JsonObject writeBody(RoutingContext ctx, String permission) {
    return authorizedBody(ctx, permission);
  }

  void answer(RoutingContext ctx, int status, JsonObject body) {
    json(ctx, status, body);
  }

  void refuse(RoutingContext ctx, int status, String message) {
    error(ctx, status, message, null);
  }

  String repoIn(RoutingContext ctx) {
    return repoOf(ctx);
  }

  JsonObject bot() {
    return botUser();
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  /** The sha GET /contents answers for a file, or null when there is none. */
  String fileSha(String repo, String ref, String path) {
    return contents.fileSha(norm(repo), ref, path);
  }

  /** The path of a request below the API base (the simulator may serve under a prefix). */
  String apiPath(RoutingContext ctx) {
    return ctx.request().path().substring(prefix.length());
  }

  boolean authorizeAccess(RoutingContext ctx, String permission, String level) {
    return authorize(ctx, permission, level);
  }
}
