package dev.solstice.integration.github;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.core.NotAFileException;
import dev.solstice.integration.core.PullRequestRef;
import dev.solstice.integration.github.GitHubRequestExecutor.ApiRequest;
import dev.solstice.integration.github.GitHubRequestExecutor.ApiResponse;
import dev.solstice.integration.github.GitHubRequestExecutor.AppAuth;
import dev.solstice.integration.github.GitHubRequestExecutor.Auth;
import dev.solstice.integration.github.GitHubRequestExecutor.InstallationAuth;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link GitHubClient} over the Vert.x WebClient. Build with {@link #create} from {@link
 * GitHubSettings}, or with {@link #builder} in tests.
 */
public final class WebClientGitHubClient implements GitHubClient {
  static final String JSON = "application/vnd.github+json";
  static final String RAW = "application/vnd.github.raw+json";
  static final int MAX_ANNOTATIONS = 50;
  private static final String CONTENTS_ROUTE = "/repos/{owner}/{repo}/contents/{path}";

  /**
   * One REST operation: its OpenAPI operation id (the name the metrics and write allow-list use),
   * method, route template and, for an installation call, the token scope it needs (null for an
   * App-level call).
   */
  private record Endpoint(String operation, HttpMethod method, String route, TokenScope scope) {}

  private static final Endpoint GET_CONTENT =
      new Endpoint("repos/get-content", HttpMethod.GET, CONTENTS_ROUTE, TokenScope.CHECKS);
  private static final Endpoint LIST_CHECK_RUNS_FOR_REF =
      new Endpoint(
          "checks/list-for-ref",
          HttpMethod.GET,
          "/repos/{owner}/{repo}/commits/{ref}/check-runs",
          TokenScope.CHECKS);
  private static final Endpoint CREATE_CHECK_RUN =
      new Endpoint(
          WriteOperations.CREATE_CHECK_RUN,
          HttpMethod.POST,
          "/repos/{owner}/{repo}/check-runs",
          TokenScope.CHECKS);
  private static final Endpoint UPDATE_CHECK_RUN =
      new Endpoint(
          WriteOperations.UPDATE_CHECK_RUN,
          HttpMethod.PATCH,
          "/repos/{owner}/{repo}/check-runs/{check_run_id}",
          TokenScope.CHECKS);
  private static final Endpoint LIST_PULL_REQUEST_FILES =
      new Endpoint(
          "pulls/list-files",
          HttpMethod.GET,
          "/repos/{owner}/{repo}/pulls/{pull_number}/files",
          TokenScope.PULL_REQUESTS);
  private static final Endpoint LIST_PULLS_OF_COMMIT =
      new Endpoint(
          "repos/list-pull-requests-associated-with-commit",
          HttpMethod.GET,
          "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
          TokenScope.PULL_REQUESTS);
  private static final Endpoint CREATE_COMMIT_STATUS =
      new Endpoint(
          WriteOperations.CREATE_COMMIT_STATUS,
          HttpMethod.POST,
          "/repos/{owner}/{repo}/statuses/{sha}",
          TokenScope.STATUSES);
  private static final Endpoint COMPARE_COMMITS =
      new Endpoint(
          "repos/compare-commits-with-basehead",
          HttpMethod.GET,
          "/repos/{owner}/{repo}/compare/{basehead}",
          TokenScope.CHECKS);
  private static final Endpoint CREATE_ISSUE =
      new Endpoint(
          WriteOperations.CREATE_ISSUE,
          HttpMethod.POST,
          "/repos/{owner}/{repo}/issues",
          TokenScope.ISSUES);
  private static final Endpoint CREATE_ISSUE_COMMENT =
      new Endpoint(
          WriteOperations.CREATE_ISSUE_COMMENT,
          HttpMethod.POST,
          "/repos/{owner}/{repo}/issues/{issue_number}/comments",
          TokenScope.ISSUES);
  private static final Endpoint LIST_HOOK_DELIVERIES =
      new Endpoint("apps/list-webhook-deliveries", HttpMethod.GET, "/app/hook/deliveries", null);
  private static final Endpoint REDELIVER_HOOK_DELIVERY =
      new Endpoint(
          WriteOperations.REDELIVER_HOOK_DELIVERY,
          HttpMethod.POST,
          "/app/hook/deliveries/{delivery_id}/attempts",
          null);
  private static final Endpoint GET_AUTHENTICATED_APP =
      new Endpoint("apps/get-authenticated", HttpMethod.GET, "/app", null);
  private static final Endpoint CREATE_INSTALLATION_TOKEN =
      new Endpoint(
          WriteOperations.CREATE_INSTALLATION_TOKEN,
          HttpMethod.POST,
          "/app/installations/{installation_id}/access_tokens",
          null);
  private static final Endpoint GET_INSTALLATION =
      new Endpoint(
          "apps/get-installation", HttpMethod.GET, "/app/installations/{installation_id}", null);
  private static final Endpoint GET_REPO_INSTALLATION =
      new Endpoint(
          "apps/get-repo-installation", HttpMethod.GET, "/repos/{owner}/{repo}/installation", null);
  private static final Endpoint LIST_INSTALLATIONS =
      new Endpoint("apps/list-installations", HttpMethod.GET, "/app/installations", null);
  private static final Endpoint LIST_INSTALLATION_REPOSITORIES =
      new Endpoint(
          "apps/list-repos-accessible-to-installation",
          HttpMethod.GET,
          "/installation/repositories",
          TokenScope.METADATA);

  /** Pages of 100 read at most by one listing of installations or repositories. */
  private static final int MAX_LISTING_PAGES = 100;

  private static final int MAX_PAGES = 10;
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final GitHubRequestExecutor executor;
  private final InstallationTokenProvider tokens;
  private final GitHubTransport transport;
  private final GitHubMetrics metrics;
  private final RedisAPI redis;

  private WebClientGitHubClient(Builder b) {
    this.metrics = new GitHubMetrics(b.registry);
    this.transport = b.transport != null ? b.transport : new WebClientTransport(b.vertx);
    AppJwtSigner signer = new AppJwtSigner(b.appId, b.appKey, b.clock);
    this.executor =
        new GitHubRequestExecutor(
            b.vertx,
            transport,
            trimSlash(b.apiBase),
            signer,
            b.retry,
            b.pacing,
            b.writeBudget,
            b.allowedWrites,
            b.clock,
            metrics);
    SharedTokenCache shared = b.sharedCache;
    this.redis = b.ownedRedis;
    this.tokens =
        new InstallationTokenProvider(b.vertx, this::mint, b.clock, shared, b.staticToken, metrics);
    executor.tokens(tokens);
    executor.tracer(b.tracer);
  }

  /** The production client: settings from the environment, Redis when configured. */
  public static WebClientGitHubClient create(
      Vertx vertx, GitHubSettings settings, MeterRegistry registry) {
    return create(vertx, settings, registry, null);
  }

  /** As {@link #create(Vertx, GitHubSettings, MeterRegistry)}, with a span per GitHub exchange. */
  public static WebClientGitHubClient create(
      Vertx vertx, GitHubSettings settings, MeterRegistry registry, Tracer tracer) {
    Builder b =
        builder(vertx)
            .apiBase(settings.apiBase().toString())
            .app(settings.appId(), settings.appKey())
            .staticToken(settings.staticToken())
            .retryPolicy(settings.retryPolicy())
            .pacing(settings.pacing())
            .allowedWrites(settings.allowedWrites())
            .meterRegistry(registry)
            .tracer(tracer);
    if (settings.redisUrl() != null) {
      // Every write of a busy installation asks Redis: more than the default 24 may wait.
      RedisAPI api =
          RedisAPI.api(
              Redis.createClient(
                  vertx,
                  new RedisOptions()
                      .setConnectionString(settings.redisUrl())
                      .setMaxPoolWaiting(1024)));
      b.ownedRedis = api;
      b.writeBudget(
          new RedisWriteBudget(
              api, settings.writeBudgetPrefix(), settings.pacing(), Clock.systemUTC()));
      if (settings.sharedTokenCache()) {
        b.sharedCache(
            new RedisTokenCache(
                api, settings.tokenCacheKey(), settings.tokenCachePrefix(), Clock.systemUTC()));
      }
    }
    return b.build();
  }

  public static Builder builder(Vertx vertx) {
    return new Builder(vertx);
  }

  /** Test and wiring knobs; defaults are production values. */
  public static final class Builder {
    private final Vertx vertx;
    private String apiBase = GitHubSettings.DEFAULT_API_BASE;
    private long appId;
    private RSAPrivateKey appKey;
    private String staticToken;
    private SharedTokenCache sharedCache;
    private RedisAPI ownedRedis;
    private RetryPolicy retry = RetryPolicy.defaults();
    private PacingPolicy pacing = PacingPolicy.defaults();
    private WriteBudget writeBudget;
    private Set<String> allowedWrites = WriteOperations.ALL;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry;
    private GitHubTransport transport;
    private Tracer tracer;

    private Builder(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx);
    }

    public Builder apiBase(String apiBase) {
      this.apiBase = apiBase;
      return this;
    }

    public Builder app(long appId, RSAPrivateKey key) {
      this.appId = appId;
      this.appKey = key;
      return this;
    }

    public Builder staticToken(String token) {
      this.staticToken = token;
      return this;
    }

    public Builder sharedCache(SharedTokenCache cache) {
      this.sharedCache = cache;
      return this;
    }

    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    public Builder pacing(PacingPolicy pacing) {
      this.pacing = pacing;
      return this;
    }

    /**
     * The per-installation write budget shared with other replicas; null (the default) paces in
     * this process only.
     */
    public Builder writeBudget(WriteBudget budget) {
      this.writeBudget = budget;
      return this;
    }

    public Builder allowedWrites(Set<String> allowed) {
      this.allowedWrites = allowed;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * Where each exchange's span goes (route template, status, rate-limit remaining); null (the
     * default) for none.
     */
    public Builder tracer(Tracer tracer) {
      this.tracer = tracer;
      return this;
    }

    public Builder transport(GitHubTransport transport) {
      this.transport = transport;
      return this;
    }

    public WebClientGitHubClient build() {
      return new WebClientGitHubClient(this);
    }
  }

  public GitHubMetrics metrics() {
    return metrics;
  }

  public InstallationTokenProvider tokens() {
    return tokens;
  }

  // ---- operations ------------------------------------------------------------------------

  @Override
  public Future<Long> writableAt(long installationId) {
    return executor.writableAt(Long.toString(installationId));
  }

  @Override
  public Future<Optional<RepoFile>> getContent(
      long installationId, RepoRef repo, String path, String ref) {
    String p =
        repoPath(repo)
            + "/contents/"
            + encodePath(path)
            + "?ref="
            + encode(Objects.requireNonNull(ref));
    return executor
        .execute(asInstallation(GET_CONTENT, p, null, installationId, repo, RAW))
        .map(resp -> Optional.of(toFile(repo, path, ref, resp)))
        .recover(
            e ->
                // only the contents answer means "absent"; a 404 from the token exchange does not
                e instanceof GitHubApiException.NotFound nf && CONTENTS_ROUTE.equals(nf.route())
                    ? Future.succeededFuture(Optional.empty())
                    : Future.failedFuture(e));
  }

  private static RepoFile toFile(RepoRef repo, String path, String ref, ApiResponse resp) {
    String type = Optional.ofNullable(resp.header("content-type")).orElse("");
    if (type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      // With the raw media type GitHub answers files (and symlinks to files) with their bytes;
      // anything else (directory, submodule, dangling symlink) comes back as metadata.
      Optional<NotAFileException> notAFile = notAFile(repo, path, ref, resp.body());
      if (notAFile.isPresent()) {
        throw notAFile.get();
      }
      Optional<byte[]> inline = inlineFile(path, resp.body());
      if (inline.isPresent()) {
        return new RepoFile(repo, path, ref, inline.get(), resp.header("etag"));
      }
    }
    return new RepoFile(repo, path, ref, resp.body().getBytes(), resp.header("etag"));
  }

  /**
   * Metadata for something that is not a file. Only a JSON answer that describes {@code path}
   * itself counts, so a raw {@code .json} file is never mistaken for metadata.
   */
  private static Optional<NotAFileException> notAFile(
      RepoRef repo, String path, String ref, Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).strip();
    String wanted = stripSlashes(path);
    try {
      if (text.startsWith("[")) {
        JsonArray entries = new JsonArray(text);
        boolean listing =
            entries.stream()
                .allMatch(
                    e ->
                        e instanceof JsonObject o
                            && o.getString("type") != null
                            && o.getString("path", "")
                                .startsWith(wanted.isEmpty() ? "" : wanted + "/"));
        return listing
            ? Optional.of(
                new NotAFileException(
                    repo.toString(), path, ref, NotAFileException.Kind.DIRECTORY, null))
            : Optional.empty();
      }
      if (!text.startsWith("{")) {
        return Optional.empty();
      }
      JsonObject o = new JsonObject(text);
      if (!wanted.equals(o.getString("path")) || o.getString("sha") == null) {
        return Optional.empty();
      }
      return switch (o.getString("type", "")) {
        case "dir" ->
            Optional.of(
                new NotAFileException(
                    repo.toString(), path, ref, NotAFileException.Kind.DIRECTORY, null));
        case "symlink" ->
            Optional.of(
                new NotAFileException(
                    repo.toString(),
                    path,
                    ref,
                    NotAFileException.Kind.SYMLINK,
                    "target " + o.getString("target") + " is not a file in the repository"));
        case "submodule" ->
            Optional.of(
                new NotAFileException(
                    repo.toString(),
                    path,
                    ref,
                    NotAFileException.Kind.SUBMODULE,
                    "repository " + o.getString("submodule_git_url")));
        default -> Optional.empty();
      };
    } catch (RuntimeException notJson) {
      return Optional.empty();
    }
  }

  /** A {@code type: file} object with base64 content (if a proxy dropped the raw media type). */
  private static Optional<byte[]> inlineFile(String path, Buffer body) {
    try {
      JsonObject o = body.toJsonObject();
      if ("file".equals(o.getString("type"))
          && stripSlashes(path).equals(o.getString("path"))
          && "base64".equals(o.getString("encoding"))
          && o.getString("sha") != null) {
        return Optional.of(Base64.getMimeDecoder().decode(o.getString("content", "")));
      }
    } catch (RuntimeException notMetadata) {
      // a raw JSON file that merely looks like an object
    }
    return Optional.empty();
  }

  private static String stripSlashes(String p) {
    String r = p;
    while (r.startsWith("/")) {
      r = r.substring(1);
    }
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  @Override
  public Future<CheckRun> createCheckRun(long installationId, RepoRef repo, CheckRunCreate create) {
    CheckRunOutput out = create.output();
    List<List<Annotation>> chunks = out == null ? List.of() : chunks(out.annotations());
    CheckRunOutput first =
        out == null ? null : out.withAnnotations(chunks.isEmpty() ? List.of() : chunks.get(0));
    ApiRequest post =
        asInstallation(
            CREATE_CHECK_RUN,
            repoPath(repo) + "/check-runs",
            create.toJson(first),
            installationId,
            repo,
            JSON);
    if (create.externalId() != null) {
      // A create whose answer was lost may have been applied: find it by external_id first.
      post = post.withReconciler(() -> findCheckRun(installationId, repo, create));
    }
    Future<CheckRun> created =
        executor.execute(post).map(resp -> CheckRun.fromJson(resp.body().toJsonObject()));
    for (int i = 1; i < chunks.size(); i++) {
      // GitHub appends the annotations of each update to the run
      JsonObject more = new JsonObject().put("output", out.withAnnotations(chunks.get(i)).toJson());
      created = created.compose(run -> patchCheckRun(installationId, repo, run.id(), more));
    }
    return created;
  }

  private Future<Optional<JsonObject>> findCheckRun(
      long installationId, RepoRef repo, CheckRunCreate create) {
    String p =
        repoPath(repo)
            + "/commits/"
            + encode(create.headSha())
            + "/check-runs?per_page=100&filter=all&check_name="
            + encode(create.name());
    return executor
        .execute(asInstallation(LIST_CHECK_RUNS_FOR_REF, p, null, installationId, repo, JSON))
        .map(
            resp ->
                resp.body().toJsonObject().getJsonArray("check_runs", new JsonArray()).stream()
                    .filter(JsonObject.class::isInstance)
                    .map(JsonObject.class::cast)
                    .filter(run -> create.externalId().equals(run.getString("external_id")))
                    .findFirst());
  }

  @Override
  public Future<CheckRun> updateCheckRun(
      long installationId, RepoRef repo, long checkRunId, CheckRunUpdate update) {
    CheckRunOutput out = update.output();
    if (out == null || out.annotations().size() <= MAX_ANNOTATIONS) {
      return patchCheckRun(installationId, repo, checkRunId, update.toJson(out, true));
    }
    List<List<Annotation>> chunks = chunks(out.annotations());
    Future<CheckRun> f = Future.succeededFuture();
    for (int i = 0; i < chunks.size(); i++) {
      boolean last = i == chunks.size() - 1;
      JsonObject body = update.toJson(out.withAnnotations(chunks.get(i)), last);
      f = f.compose(ignored -> patchCheckRun(installationId, repo, checkRunId, body));
    }
    return f;
  }

  @Override
  public Future<Optional<CheckRun>> updateCheckRunIf(
      long installationId, RepoRef repo, long checkRunId, CheckRunUpdate update, WriteGuard guard) {
    CheckRunOutput out = update.output();
    if (out != null && out.annotations().size() > MAX_ANNOTATIONS) {
      return GitHubClient.super.updateCheckRunIf(installationId, repo, checkRunId, update, guard);
    }
    return executor
        .execute(
            asInstallation(
                    UPDATE_CHECK_RUN,
                    repoPath(repo) + "/check-runs/" + checkRunId,
                    update.toJson(out, true),
                    installationId,
                    repo,
                    JSON)
                .withGuard(guard))
        .map(
            resp ->
                resp == ApiResponse.NOT_SENT
                    ? Optional.<CheckRun>empty()
                    : Optional.of(CheckRun.fromJson(resp.body().toJsonObject())));
  }

  private Future<CheckRun> patchCheckRun(
      long installationId, RepoRef repo, long checkRunId, JsonObject body) {
    return executor
        .execute(
            asInstallation(
                UPDATE_CHECK_RUN,
                repoPath(repo) + "/check-runs/" + checkRunId,
                body,
                installationId,
                repo,
                JSON))
        .map(resp -> CheckRun.fromJson(resp.body().toJsonObject()));
  }

  private static List<List<Annotation>> chunks(List<Annotation> all) {
    List<List<Annotation>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += MAX_ANNOTATIONS) {
      out.add(all.subList(i, Math.min(all.size(), i + MAX_ANNOTATIONS)));
    }
    return out;
  }

  @Override
  public Future<List<CheckRun>> listCheckRuns(
      long installationId, RepoRef repo, String ref, CheckRunQuery query) {
    StringBuilder p =
        new StringBuilder(repoPath(repo))
            .append("/commits/")
            .append(encode(ref))
            .append("/check-runs?per_page=100");
    if (query.checkName() != null) {
      p.append("&check_name=").append(encode(query.checkName()));
    }
    if (query.filter() != null) {
      p.append("&filter=").append(encode(query.filter()));
    }
    if (query.appId() != null) {
      p.append("&app_id=").append(query.appId());
    }
    List<CheckRun> runs = new ArrayList<>();
    return listPage(installationId, repo, p.toString(), runs, 1);
  }

  private Future<List<CheckRun>> listPage(
      long installationId, RepoRef repo, String path, List<CheckRun> acc, int page) {
    return executor
        .execute(asInstallation(LIST_CHECK_RUNS_FOR_REF, path, null, installationId, repo, JSON))
        .compose(
            resp -> {
              JsonArray arr =
                  resp.body().toJsonObject().getJsonArray("check_runs", new JsonArray());
              for (int i = 0; i < arr.size(); i++) {
                acc.add(CheckRun.fromJson(arr.getJsonObject(i)));
              }
              Optional<String> next = nextLink(resp.header("link"));
              if (next.isPresent() && page < MAX_PAGES) {
                return listPage(installationId, repo, next.get(), acc, page + 1);
              }
              return Future.succeededFuture(List.copyOf(acc));
            });
  }

  @Override
  public Future<ChangedFiles> listPullRequestFiles(
      long installationId, RepoRef repo, int pullNumber) {
    String p = repoPath(repo) + "/pulls/" + pullNumber + "/files?per_page=100";
    return filesPage(installationId, repo, p, new ArrayList<>(), 1);
  }

  private Future<ChangedFiles> filesPage(
      long installationId, RepoRef repo, String path, List<String> acc, int page) {
    return executor
        .execute(asInstallation(LIST_PULL_REQUEST_FILES, path, null, installationId, repo, JSON))
        .compose(
            resp -> {
              JsonArray arr = resp.body().toJsonArray();
              for (int i = 0; i < arr.size(); i++) {
                addFile(acc, arr.getJsonObject(i));
              }
              Optional<String> next = nextLink(resp.header("link"));
              if (next.isPresent() && page < ChangedFiles.MAX_PULL_REQUEST_FILES / 100) {
                return filesPage(installationId, repo, next.get(), acc, page + 1);
              }
              boolean complete = next.isEmpty() && acc.size() < ChangedFiles.MAX_PULL_REQUEST_FILES;
              return Future.succeededFuture(new ChangedFiles(acc, complete));
            });
  }

  /** A file entry's path, and for a rename also the path it had. */
  private static void addFile(List<String> acc, JsonObject file) {
    String name = file.getString("filename");
    if (name != null) {
      acc.add(name);
    }
    String previous = file.getString("previous_filename");
    if (previous != null) {
      acc.add(previous);
    }
  }

  @Override
  public Future<List<PullRequestRef>> listPullRequestsOfCommit(
      long installationId, RepoRef repo, String sha) {
    String p = repoPath(repo) + "/commits/" + encode(sha) + "/pulls?per_page=100";
    return executor
        .execute(asInstallation(LIST_PULLS_OF_COMMIT, p, null, installationId, repo, JSON))
        .map(
            resp -> {
              JsonArray arr = resp.body().toJsonArray();
              List<PullRequestRef> pulls = new ArrayList<>();
              for (int i = 0; i < arr.size(); i++) {
                pulls.add(pullRequestOf(arr.getJsonObject(i)));
              }
              return List.copyOf(pulls);
            });
  }

  /** GitHub's {@code pull-request-simple} shape, as far as the trust policy reads it. */
  private static PullRequestRef pullRequestOf(JsonObject pr) {
    JsonObject head = pr.getJsonObject("head", new JsonObject());
    JsonObject base = pr.getJsonObject("base", new JsonObject());
    JsonObject headRepo = head.getJsonObject("repo");
    return new PullRequestRef(
        pr.getInteger("number", 0),
        pr.getString("state"),
        head.getString("sha"),
        headRepo == null ? null : headRepo.getString("full_name"),
        base.getJsonObject("repo", new JsonObject()).getString("full_name"),
        base.getString("ref"),
        base.getString("sha"),
        pr.getJsonObject("user", new JsonObject()).getString("login"),
        pr.getString("author_association"));
  }

  @Override
  public Future<ChangedFiles> compareFiles(
      long installationId, RepoRef repo, String base, String head) {
    String p = repoPath(repo) + "/compare/" + encode(base) + "..." + encode(head) + "?per_page=100";
    return executor
        .execute(asInstallation(COMPARE_COMMITS, p, null, installationId, repo, JSON))
        .map(
            resp -> {
              JsonArray arr = resp.body().toJsonObject().getJsonArray("files", new JsonArray());
              List<String> files = new ArrayList<>();
              for (int i = 0; i < arr.size(); i++) {
                addFile(files, arr.getJsonObject(i));
              }
              return new ChangedFiles(files, arr.size() < ChangedFiles.MAX_COMPARE_FILES);
            });
  }

  @Override
  public Future<Boolean> checksWritable(long installationId, RepoRef repo) {
    return tokens
        .token(installationId, repo, TokenScope.CHECKS)
        .map(t -> t.source() == InstallationToken.Source.MINTED);
  }

  @Override
  public Future<Void> createCommitStatus(
      long installationId, RepoRef repo, String sha, CommitStatus status) {
    return executor
        .execute(
            asInstallation(
                CREATE_COMMIT_STATUS,
                repoPath(repo) + "/statuses/" + encode(sha),
                status.toJson(),
                installationId,
                repo,
                JSON))
        .mapEmpty();
  }

  @Override
  public Future<IssueRef> createIssue(long installationId, RepoRef repo, IssueCreate issue) {
    return executor
        .execute(
            asInstallation(
                CREATE_ISSUE,
                repoPath(repo) + "/issues",
                issue.toJson(),
                installationId,
                repo,
                JSON))
        .map(
            resp -> {
              JsonObject j = resp.body().toJsonObject();
              return new IssueRef(j.getLong("id"), j.getInteger("number"), j.getString("html_url"));
            });
  }

  @Override
  public Future<IssueRef> createComment(
      long installationId, RepoRef repo, int issueNumber, String body) {
    return executor
        .execute(
            asInstallation(
                CREATE_ISSUE_COMMENT,
                repoPath(repo) + "/issues/" + issueNumber + "/comments",
                new JsonObject().put("body", body),
                installationId,
                repo,
                JSON))
        .map(
            resp -> {
              JsonObject j = resp.body().toJsonObject();
              return new IssueRef(j.getLong("id"), 0, j.getString("html_url"));
            });
  }

  @Override
  public Future<HookDeliveryPage> listHookDeliveries(String cursor) {
    String p =
        "/app/hook/deliveries?per_page=100" + (cursor == null ? "" : "&cursor=" + encode(cursor));
    return executor
        .execute(asApp(LIST_HOOK_DELIVERIES, p, null))
        .map(
            resp -> {
              JsonArray arr = resp.body().toJsonArray();
              List<HookDelivery> list = new ArrayList<>(arr.size());
              for (int i = 0; i < arr.size(); i++) {
                list.add(HookDelivery.fromJson(arr.getJsonObject(i)));
              }
              Optional<String> next =
                  nextLink(resp.header("link")).flatMap(url -> queryParam(url, "cursor"));
              return new HookDeliveryPage(List.copyOf(list), next);
            });
  }

  @Override
  public Future<Void> redeliver(long deliveryId) {
    return executor
        .execute(
            asApp(
                REDELIVER_HOOK_DELIVERY, "/app/hook/deliveries/" + deliveryId + "/attempts", null))
        .mapEmpty();
  }

  @Override
  public Future<List<AppInstallation>> listInstallations() {
    return installationsPage("/app/installations?per_page=100", new ArrayList<>(), 1);
  }

  private Future<List<AppInstallation>> installationsPage(
      String path, List<AppInstallation> acc, int page) {
    return executor
        .execute(asApp(LIST_INSTALLATIONS, path, null))
        .compose(
            resp -> {
              JsonArray arr = resp.body().toJsonArray();
              for (int i = 0; i < arr.size(); i++) {
                acc.add(AppInstallation.fromJson(arr.getJsonObject(i)));
              }
              Optional<String> next = nextLink(resp.header("link"));
              return next.isPresent() && page < MAX_LISTING_PAGES
                  ? installationsPage(next.get(), acc, page + 1)
                  : Future.succeededFuture(List.copyOf(acc));
            });
  }

  @Override
  public Future<List<AppInstallation.Repository>> listInstallationRepositories(
      long installationId) {
    return repositoriesPage(
        installationId, "/installation/repositories?per_page=100", new ArrayList<>(), 1);
  }

  private Future<List<AppInstallation.Repository>> repositoriesPage(
      long installationId, String path, List<AppInstallation.Repository> acc, int page) {
    return executor
        .execute(
            request(
                LIST_INSTALLATION_REPOSITORIES,
                path,
                null,
                new InstallationAuth(installationId, null, TokenScope.METADATA),
                JSON))
        .compose(
            resp -> {
              JsonArray arr =
                  resp.body().toJsonObject().getJsonArray("repositories", new JsonArray());
              for (int i = 0; i < arr.size(); i++) {
                JsonObject r = arr.getJsonObject(i);
                acc.add(
                    new AppInstallation.Repository(
                        r.getLong("id"),
                        r.getString("full_name"),
                        Boolean.TRUE.equals(r.getBoolean("private"))));
              }
              Optional<String> next = nextLink(resp.header("link"));
              return next.isPresent() && page < MAX_LISTING_PAGES
                  ? repositoriesPage(installationId, next.get(), acc, page + 1)
                  : Future.succeededFuture(List.copyOf(acc));
            });
  }

  @Override
  public Future<Void> forgetInstallation(long installationId) {
    return tokens.forgetInstallation(installationId);
  }

  @Override
  public Future<Void> verifyAppCredentials() {
    return executor.execute(asApp(GET_AUTHENTICATED_APP, "/app", null)).mapEmpty();
  }

  @Override
  public Future<AppInstallation> getInstallation(long installationId) {
    return executor
        .execute(asApp(GET_INSTALLATION, "/app/installations/" + installationId, null))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof GitHubApiException g ? withInstallation(g, installationId) : e))
        .map(resp -> AppInstallation.fromJson(resp.body().toJsonObject()));
  }

  /** The App's installation on {@code repo} ({@code GET /repos/{owner}/{repo}/installation}). */
  public Future<AppInstallation> repositoryInstallation(RepoRef repo) {
    return executor
        .execute(asApp(GET_REPO_INSTALLATION, repoPath(repo) + "/installation", null))
        .map(resp -> AppInstallation.fromJson(resp.body().toJsonObject()));
  }

  @Override
  public void close() {
    transport.close();
    if (redis != null) {
      redis.close();
    }
  }

  // ---- token exchange --------------------------------------------------------------------

  private Future<InstallationToken> mint(long installationId, RepoRef repo, TokenScope scope) {
    // No repository (an installation-wide read): the token covers every repository granted.
    JsonObject body =
        new JsonObject()
            .put("permissions", new JsonObject(new java.util.LinkedHashMap<>(scope.permissions())));
    if (repo != null) {
      body.put("repositories", new JsonArray().add(repo.name()));
    }
    return executor
        .execute(
            asApp(
                CREATE_INSTALLATION_TOKEN,
                "/app/installations/" + installationId + "/access_tokens",
                body))
        .recover(
            e ->
                e instanceof GitHubApiException g
                    ? Future.failedFuture(withInstallation(g, installationId))
                    : Future.failedFuture(e))
        .map(
            resp -> {
              JsonObject j = resp.body().toJsonObject();
              return new InstallationToken(
                  j.getString("token"),
                  Instant.parse(j.getString("expires_at")),
                  InstallationToken.Source.MINTED);
            });
  }

  /** The exchange is an App-level call; name the installation it was for in the error. */
  private static GitHubApiException withInstallation(GitHubApiException e, long installationId) {
    if (e.installationId() == installationId) {
      return e;
    }
    GitHubApiException.Facts f = e.facts();
    GitHubApiException.Facts g =
        new GitHubApiException.Facts(
            f.status(), f.method(), f.route(), installationId, f.githubMessage(), f.requestId());
    return e.withFacts(g);
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** A call with the installation's token for {@code repo}, scoped as the endpoint needs. */
  private static ApiRequest asInstallation(
      Endpoint endpoint,
      String path,
      JsonObject body,
      long installationId,
      RepoRef repo,
      String accept) {
    return request(
        endpoint, path, body, new InstallationAuth(installationId, repo, endpoint.scope()), accept);
  }

  /** A call authenticated as the App itself (its JWT). */
  private static ApiRequest asApp(Endpoint endpoint, String path, JsonObject body) {
    return request(endpoint, path, body, new AppAuth(), JSON);
  }

  private static ApiRequest request(
      Endpoint endpoint, String path, JsonObject body, Auth auth, String accept) {
    return new ApiRequest(
        endpoint.operation(),
        endpoint.method(),
        endpoint.route(),
        path,
        body == null ? null : body.toBuffer(),
        auth,
        accept,
        null,
        null);
  }

  private static String repoPath(RepoRef repo) {
    return "/repos/" + encode(repo.owner()) + "/" + encode(repo.name());
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String encodePath(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    StringBuilder sb = new StringBuilder();
    for (String seg : p.split("/", -1)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(encode(seg));
    }
    return sb.toString();
  }

  static Optional<String> nextLink(String link) {
    if (link == null) {
      return Optional.empty();
    }
    for (String part : link.split(",")) {
      Matcher m = NEXT_LINK.matcher(part.trim());
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  static Optional<String> queryParam(String url, String name) {
    String q = URI.create(url).getRawQuery();
    if (q == null) {
      return Optional.empty();
    }
    for (String kv : q.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return Optional.of(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  private static String trimSlash(String s) {
    String r = s;
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }
}
