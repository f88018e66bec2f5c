package dev.solstice.integration.config;

import dev.solstice.integration.github.GitHubSettings;
import dev.solstice.integration.recovery.MissedDeliverySettings;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.BrokerAddresses;
import dev.solstice.platform.amqp.TopologyEnv;
import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.ListenAddress;
import dev.solstice.platform.config.Redaction;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the service reads from its environment, parsed and validated once, in {@code Main}.
 * Verticles receive this record and never read the environment themselves.
 *
 * @param managementHost the management listener's address ({@code /metrics}, health; issue 17)
 * @param webhookSecrets every secret a signature may be made with (rotation keeps two); empty only
 *     when {@code allowUnsignedWebhooks}
 * @param maxBodyBytes largest accepted webhook body (GitHub caps payloads at 25 MB)
 * @param logsBaseUrl prefix of each job's {@code details_url}; null when unknown
 * @param redisUrl shared state (delivery ledger, token cache, check-run map); null keeps it in
 *     memory
 * @param redisKeys the prefix and time-to-live of the keys kept in Redis
 * @param github the GitHub App; null when none is configured (intake-only mode: default jobs, no
 *     check runs, no workflow files)
 * @param missedDeliveries the job that asks GitHub to redeliver webhooks that never reached us
 * @param httpLimits what the public endpoint grants under hostile traffic (issue 19)
 * @param record the PostgreSQL record of installations and deliveries (issue 15)
 * @param webhookSources trusted proxies and the webhook source allowlist (issue 17)
 * @param gateway the GitHub gateway and its job tokens (issue 13); null when GATEWAY_ADDR is unset
 * @param jobPages the job pages and where they read logs (issue 16)
 * @param auth GitHub login, sessions and access checks of the browser pages (issue 16)
 */
public record AppConfig(
    String httpHost,
    int httpPort,
    String managementHost,
    int managementPort,
    String webhookPath,
    List<String> webhookSecrets,
    boolean allowUnsignedWebhooks,
    long maxBodyBytes,
    BrokerAddresses amqpUri,
    QueueTopology jobs,
    QueueTopology results,
    QueueTopology intake,
    Duration confirmTimeout,
    int intakePrefetch,
    int resultsPrefetch,
    int maxAttempts,
    List<Duration> retryDelays,
    int resultsMaxAttempts,
    List<Duration> resultsRetryDelays,
    String checkName,
    String logsBaseUrl,
    String runsOnDefault,
    Map<String, String> runsOnMap,
    String redisUrl,
    RedisKeys redisKeys,
    Duration deliveryDedupTtl,
    int rateLimitPerMinute,
    GitHubSettings github,
    MissedDeliverySettings missedDeliveries,
    dev.solstice.integration.policy.PolicySettings policy,
    dev.solstice.integration.http.HttpLimits httpLimits,
    dev.solstice.integration.record.RecordSettings record,
    dev.solstice.integration.http.WebhookSources webhookSources,
    dev.solstice.integration.jobtoken.JobTokenSettings gateway,
    List<String> warnings,
    dev.solstice.integration.setup.SetupSettings setup,
    Duration credentialsCheckInterval,
    dev.solstice.integration.pages.JobPageSettings jobPages,
    LaneSettings lanes,
    dev.solstice.integration.web.AuthSettings auth) {

  public static final String DEFAULT_HTTP_ADDR = "0.0.0.0:8082";
  public static final String DEFAULT_MANAGEMENT_ADDR = "127.0.0.1:8083";
  public static final String DEFAULT_WEBHOOK_PATH = "/webhooks/github";
  public static final String DEFAULT_AMQP_URL = "amqp://127.0.0.1:5672/%2f";
  public static final long GITHUB_MAX_PAYLOAD = 25L * 1024 * 1024;

  /** Default names of the durable intake flow (raw webhook deliveries awaiting processing). */
  public static final QueueTopology INTAKE =
      new QueueTopology(
          "solstice.webhooks",
          "webhook.v1",
          "solstice.webhooks.v1",
          "solstice.dlx",
          "solstice.webhooks.v1.dlq",
          false);

  /**
   * Builds the configuration from environment variables, then lets command-line flags override
   * them.
   *
   * @throws ConfigException naming every variable that is wrong
   */
  public static AppConfig fromEnv(Map<String, String> env, List<String> args) {
    List<String> warnings = new ArrayList<>();
    EnvReader in = new EnvReader(env);
    Flags flags = Flags.parse(args, in.errors());

    ListenAddress http =
        listen(
            in,
            flags.httpAddr != null ? "--http-addr" : "HTTP_ADDR",
            flags.httpAddr != null ? flags.httpAddr : in.string("HTTP_ADDR", DEFAULT_HTTP_ADDR),
            "0.0.0.0");
    ListenAddress management =
        listen(
            in,
            "MANAGEMENT_ADDR",
            in.string("MANAGEMENT_ADDR", DEFAULT_MANAGEMENT_ADDR),
            "127.0.0.1");
    if (management.port() != 0 && management.port() == http.port()) {
      in.error(
          "MANAGEMENT_ADDR: the management listener needs a port of its own, not HTTP_ADDR's "
              + http.port());
    }

    String path =
        flags.webhookPath != null
            ? flags.webhookPath
            : in.string("WEBHOOK_PATH", DEFAULT_WEBHOOK_PATH);
    if (!path.startsWith("/")) {
      in.error("WEBHOOK_PATH: expected a path starting with /, got \"" + path + "\"");
    }

    String secretVar =
        in.raw("GITHUB_WEBHOOK_SECRET") != null ? "GITHUB_WEBHOOK_SECRET" : "WEBHOOK_SECRET";
    List<String> secrets = in.list(secretVar);
    boolean unsigned = in.bool("ALLOW_UNSIGNED_WEBHOOKS", false);
    // Issue 15: the first run creates the App (and its webhook secret) from the setup page.
    dev.solstice.integration.setup.SetupSettings setup =
        dev.solstice.integration.setup.SetupSettings.fromEnv(in);
    if (secrets.isEmpty() && !unsigned && setup.enabled()) {
      warnings.add(
          "no GITHUB_WEBHOOK_SECRET: every webhook is refused (401) until the App is created at"
              + " /github/app/new and the service restarted with its environment");
    } else if (secrets.isEmpty() && !unsigned) {
      in.error(
          "GITHUB_WEBHOOK_SECRET: not set (nor its alias WEBHOOK_SECRET); set the App's webhook secret,"
              + " or ALLOW_UNSIGNED_WEBHOOKS=true to accept unsigned webhooks (development only)");
    }

    boolean quorum = in.bool("AMQP_QUORUM", false);
    QueueTopology jobs = TopologyEnv.jobs(in, quorum);
    QueueTopology results = TopologyEnv.results(in, jobs.deadLetterExchange(), quorum);
    QueueTopology intake =
        new QueueTopology(
            in.string("AMQP_INTAKE_EXCHANGE", INTAKE.exchange()),
            INTAKE.routingKey(),
            in.string("AMQP_INTAKE_QUEUE", INTAKE.queue()),
            jobs.deadLetterExchange(),
            in.string("AMQP_INTAKE_DLQ", INTAKE.deadLetterQueue()),
            quorum);

    String logsBase = in.raw("LOGS_BASE_URL");
    if (logsBase == null && in.raw("ORCH_HTTP_BASE") != null) {
      logsBase = in.raw("ORCH_HTTP_BASE");
      warnings.add("ORCH_HTTP_BASE is deprecated; rename it to LOGS_BASE_URL");
    }
    if (logsBase == null && in.raw("S3_ENDPOINT") != null) {
      logsBase = stripSlash(in.raw("S3_ENDPOINT")) + "/" + in.string("S3_BUCKET", "solstice-logs");
    }
    if (logsBase != null) {
      in.uri(
          logsBase.equals(in.raw("ORCH_HTTP_BASE")) ? "ORCH_HTTP_BASE" : "LOGS_BASE_URL",
          logsBase,
          "http",
          "https");
      logsBase = stripSlash(logsBase);
    }

    BrokerAddresses amqp = BrokerAddresses.read(in, "AMQP_URL", DEFAULT_AMQP_URL);
    String redis = in.raw("REDIS_URL");
    if (redis != null) {
      in.uri("REDIS_URL", redis, "redis", "rediss", "unix");
    }
    if (unsigned) {
      warnings.add(
          "ALLOW_UNSIGNED_WEBHOOKS=true: webhook signatures are NOT checked; anyone who can reach "
              + path
              + " can enqueue jobs. Never run this way in production.");
    }

    GitHubSettings github = null;
    if (in.raw("GITHUB_APP_ID") != null
        || in.raw("GITHUB_APP_KEY_PATH") != null
        || in.raw("GITHUB_APP_KEY") != null) {
      github = GitHubSettings.fromEnv(env, in.errors());
      if (github != null && github.staticToken() != null) {
        warnings.add(
            "GITHUB_TOKEN is set: while the App's token exchange fails it stands in, and GitHub"
                + " refuses check-run writes made with a personal access token, so results are then"
                + " reported as commit statuses (one context per job, linking to the job's page)"
                + " instead of check runs");
      }
    } else {
      warnings.add(
          "no GitHub App configured (GITHUB_APP_ID, GITHUB_APP_KEY_PATH): intake-only mode, one default"
              + " job per push or pull request, no workflow files and no check runs");
      if (in.raw("GITHUB_TOKEN") != null) {
        warnings.add(
            "GITHUB_TOKEN is set without a GitHub App: it is not used (it only stands in while an"
                + " App's token exchange fails, and then reports commit statuses, not check runs)");
      }
    }

    // Results retry like the intake unless told otherwise.
    int intakeAttempts = in.integer("INTAKE_MAX_ATTEMPTS", 8, 1, 1000);
    List<Duration> intakeDelays =
        in.durations(
            "INTAKE_RETRY_DELAYS",
            List.of(
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(2),
                Duration.ofMinutes(10),
                Duration.ofMinutes(30)));
    dev.solstice.integration.web.AuthSettings auth =
        dev.solstice.integration.web.AuthSettings.fromEnv(
            in, setup.publicUrl(), setup.githubWebUrl(), setup.apiBase());
    AppConfig config =
        new AppConfig(
            http.host(),
            http.port(),
            management.host(),
            management.port(),
            path,
            secrets,
            unsigned,
            in.positiveLong("MAX_BODY_BYTES", GITHUB_MAX_PAYLOAD),
            amqp,
            jobs,
            results,
            intake,
            in.duration("AMQP_CONFIRM_TIMEOUT", Duration.ofSeconds(5)),
            in.integer("INTAKE_PREFETCH", 64, 1, 10_000),
            in.integer("RESULTS_PREFETCH", 32, 1, 10_000),
            intakeAttempts,
            intakeDelays,
            in.integer("RESULTS_MAX_ATTEMPTS", intakeAttempts, 1, 1000),
            in.durations("RESULTS_RETRY_DELAYS", intakeDelays),
            in.string("GITHUB_CHECK_NAME", "Solstice CI"),
            logsBase,
            in.raw("RUNS_ON_DEFAULT"),
            runsOnMap(in),
            redis,
            new RedisKeys(
                in.string("REDIS_KEY_PREFIX", RedisKeys.DEFAULTS.prefix()),
                in.positiveDuration("CHECK_RUN_TTL", RedisKeys.DEFAULTS.checkRunTtl()),
                in.positiveDuration("RUN_STATE_TTL", RedisKeys.DEFAULTS.runTtl()),
                in.positiveDuration("DELIVERY_LEASE_TTL", RedisKeys.DEFAULTS.deliveryLeaseTtl())),
            in.duration("DELIVERY_DEDUP_TTL", Duration.ofDays(7)),
            in.integer("WEBHOOK_RATE_LIMIT_PER_MINUTE", 6000, 0, 10_000_000),
            github,
            MissedDeliverySettings.fromEnv(in, github != null || in.raw("GITHUB_APP_ID") != null),
            policy(in),
            httpLimits(in),
            dev.solstice.integration.record.RecordSettings.fromEnv(in),
            webhookSources(in, github),
            dev.solstice.integration.jobtoken.JobTokenSettings.fromEnv(
                in, github == null ? null : github.apiBase()),
            List.copyOf(warnings),
            setup,
            in.positiveDuration("GITHUB_CREDENTIALS_CHECK_INTERVAL", Duration.ofMinutes(5)),
            dev.solstice.integration.pages.JobPageSettings.fromEnv(
                in,
                setup.publicUrl(),
                in.raw("LOGS_BASE_URL") != null || in.raw("ORCH_HTTP_BASE") != null,
                auth.loginEnabled() || auth.publicReposAnonymous()),
            LaneSettings.fromEnv(in),
            auth);
    in.check(ConfigException::new);
    return config;
  }

  /**
   * REPO_ALLOWLIST, REPO_DENYLIST and FORK_PR_POLICY (issue 9: who runs, and fork pull requests).
   */
  private static dev.solstice.integration.policy.PolicySettings policy(EnvReader in) {
    var repos = dev.solstice.integration.policy.RepoAccess.allowAll();
    try {
      repos =
          dev.solstice.integration.policy.RepoAccess.of(
              in.list("REPO_ALLOWLIST"), in.list("REPO_DENYLIST"));
    } catch (IllegalArgumentException e) {
      in.error(
          "REPO_ALLOWLIST/REPO_DENYLIST: expected comma-separated owner or owner/name globs: "
              + e.getMessage());
    }
    var fork = dev.solstice.integration.policy.ForkPolicy.MEMBERS;
    String raw = in.raw("FORK_PR_POLICY");
    if (raw != null) {
      try {
        fork = dev.solstice.integration.policy.ForkPolicy.parse(raw);
      } catch (IllegalArgumentException e) {
        in.error("FORK_PR_POLICY: " + e.getMessage());
      }
    }
    return new dev.solstice.integration.policy.PolicySettings(repos, fork);
  }

  /**
   * Issue 19: limits of the public endpoint under hostile traffic (docs/runbook.md "Hostile
   * traffic").
   */
  private static dev.solstice.integration.http.HttpLimits httpLimits(EnvReader in) {
    Map<String, Duration> timeouts = new LinkedHashMap<>();
    timeouts.put("HTTP_HEADER_TIMEOUT", in.duration("HTTP_HEADER_TIMEOUT", Duration.ofSeconds(10)));
    timeouts.put("HTTP_BODY_TIMEOUT", in.duration("HTTP_BODY_TIMEOUT", Duration.ofSeconds(30)));
    timeouts.put(
        "HTTP_KEEP_ALIVE_TIMEOUT", in.duration("HTTP_KEEP_ALIVE_TIMEOUT", Duration.ofSeconds(60)));
    timeouts.forEach(
        (name, d) -> {
          if (d.toMillis() < 100 || d.toMillis() > Integer.MAX_VALUE) {
            in.error(name + ": expected a duration from 100ms to 24d, got " + d);
          }
        });
    return new dev.solstice.integration.http.HttpLimits(
        in.positiveLong(
            "MAX_BUFFERED_BODY_BYTES",
            dev.solstice.integration.http.HttpLimits.defaultBufferedBodyBytes()),
        timeouts.get("HTTP_HEADER_TIMEOUT"),
        timeouts.get("HTTP_BODY_TIMEOUT"),
        timeouts.get("HTTP_KEEP_ALIVE_TIMEOUT"),
        in.integer("HTTP_MAX_CONNECTIONS", 4096, 1, 1_000_000),
        in.integer("HTTP_MAX_CONNECTIONS_PER_SOURCE", 512, 0, 1_000_000));
  }

  /**
   * Issue 17: TRUSTED_PROXIES (whose X-Forwarded-For is believed) and WEBHOOK_SOURCE_ALLOWLIST
   * ({@code github} and/or CIDR ranges).
   */
  private static dev.solstice.integration.http.WebhookSources webhookSources(
      EnvReader in, GitHubSettings github) {
    var proxies = cidrs(in, "TRUSTED_PROXIES", in.list("TRUSTED_PROXIES"));
    List<String> allow = in.list("WEBHOOK_SOURCE_ALLOWLIST");
    boolean fromGitHub =
        allow.stream().anyMatch(dev.solstice.integration.http.WebhookSources.GITHUB::equals);
    var ranges =
        cidrs(
            in,
            "WEBHOOK_SOURCE_ALLOWLIST",
            allow.stream()
                .filter(a -> !dev.solstice.integration.http.WebhookSources.GITHUB.equals(a))
                .toList());
    if (in.raw("WEBHOOK_SOURCE_ALLOWLIST") != null && allow.isEmpty()) {
      in.error(
          "WEBHOOK_SOURCE_ALLOWLIST: expected github and/or CIDR ranges separated by commas, got"
              + " nothing");
    }
    URI metaBase =
        github != null
            ? github.apiBase()
            : in.uri("GITHUB_API_BASE", GitHubSettings.DEFAULT_API_BASE, "http", "https");
    return new dev.solstice.integration.http.WebhookSources(
        proxies, ranges, fromGitHub, !allow.isEmpty(), metaBase);
  }

  private static dev.solstice.integration.http.Cidrs cidrs(
      EnvReader in, String name, List<String> ranges) {
    try {
      return dev.solstice.integration.http.Cidrs.parse(ranges);
    } catch (IllegalArgumentException e) {
      in.error(name + ": " + e.getMessage());
      return dev.solstice.integration.http.Cidrs.NONE;
    }
  }

  private static Map<String, String> runsOnMap(EnvReader in) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : in.list("RUNS_ON_MAP")) {
      int eq = entry.indexOf('=');
      String repo = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (eq < 0 || !repo.matches("[^/\\s]+/[^/\\s]+") || entry.substring(eq + 1).isBlank()) {
        in.error(
            "RUNS_ON_MAP: expected owner/repo=label pairs separated by commas, got \""
                + entry
                + "\"");
        continue;
      }
      map.put(repo.toLowerCase(java.util.Locale.ROOT), entry.substring(eq + 1).trim());
    }
    return Map.copyOf(map);
  }

  /** A listen address; an error naming {@code name} (and port 0) when {@code addr} is none. */
  private static ListenAddress listen(EnvReader in, String name, String addr, String anyHost) {
    return ListenAddress.parse(addr, anyHost)
        .orElseGet(
            () -> {
              in.error(name + ": " + ListenAddress.EXPECTED + ", got \"" + addr + "\"");
              return new ListenAddress(anyHost, 0);
            });
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * The runner label for a repository without one in its workflow: RUNS_ON_MAP, else
   * RUNS_ON_DEFAULT.
   */
  public String runsOnFor(String fullName) {
    String mapped =
        fullName == null ? null : runsOnMap.get(fullName.toLowerCase(java.util.Locale.ROOT));
    return mapped != null ? mapped : runsOnDefault;
  }

  /**
   * Where check runs' details_url point (issue 16): the job pages when {@link
   * dev.solstice.integration.pages.JobPageSettings#linked()}, else {@code logsBaseUrl} + log path.
   */
  public dev.solstice.integration.core.JobLinks jobLinks() {
    return jobPages.linked()
        ? dev.solstice.integration.core.JobLinks.jobPages(jobPages.publicUrl())
        : dev.solstice.integration.core.JobLinks.logs(logsBaseUrl);
  }

  @Override
  public String toString() {
    return "AppConfig[http="
        + httpHost
        + ":"
        + httpPort
        + webhookPath
        + ", management="
        + managementHost
        + ":"
        + managementPort
        + ", webhookSecrets="
        + webhookSecrets.size()
        + " configured (redacted)"
        + ", allowUnsigned="
        + allowUnsignedWebhooks
        + ", amqp="
        + Redaction.userInfo(String.valueOf(amqpUri))
        + ", jobs="
        + jobs
        + ", results="
        + results
        + ", intake="
        + intake
        + ", redis="
        + (redisUrl == null ? "none" : Redaction.userInfo(redisUrl))
        + ", checkName="
        + checkName
        + ", logsBaseUrl="
        + logsBaseUrl
        + ", github="
        + (github == null ? "none (intake-only)" : github.toString())
        + ", record="
        + record
        + "]";
  }
}
