package dev.solstice.integration.config;

import dev.solstice.platform.amqp.Telemetry;
import dev.solstice.platform.config.Catalogue;
import dev.solstice.platform.config.Variable;
import java.util.List;

/**
 * Every environment variable the service reads, with its default and meaning: the one catalogue
 * that {@code --help} prints and {@code docs/configuration.md} shows (a test keeps the two equal,
 * and checks that every variable the code reads is here).
 */
public final class Help {

  public static final Catalogue CATALOGUE =
      Catalogue.of(
          Variable.of(
              "HTTP_ADDR",
              "0.0.0.0:8082",
              "public listen address: webhooks and health (flag --http-addr overrides)"),
          Variable.of(
              "MANAGEMENT_ADDR",
              "127.0.0.1:8083",
              "management listen address: /metrics and health, off the public port; loopback"
                  + " unless a scraper needs it (0.0.0.0:8083 in a pod)"),
          Variable.of(
              "WEBHOOK_PATH",
              "/webhooks/github",
              "webhook endpoint path (flag --webhook-path overrides)"),
          Variable.secret(
              "GITHUB_WEBHOOK_SECRET",
              "required",
              "webhook secret; two comma-separated while rotating (alias WEBHOOK_SECRET)"),
          Variable.secret(
              "WEBHOOK_SECRET", "none", "alias of GITHUB_WEBHOOK_SECRET, used when that is unset"),
          Variable.of(
              "ALLOW_UNSIGNED_WEBHOOKS",
              "false",
              "accept webhooks without a signature; development only"),
          Variable.of(
              "MAX_BODY_BYTES",
              "26214400",
              "largest webhook body accepted (GitHub's maximum is 25 MB); larger is 413"),
          Variable.of(
              "MAX_BUFFERED_BODY_BYTES",
              "25% of the heap",
              "request bodies held in memory at once, all requests together; a body that does not fit is 503 with Retry-After"),
          Variable.of(
              "HTTP_HEADER_TIMEOUT",
              "10s",
              "a new connection's first request headers must arrive within this, else it is closed"),
          Variable.of(
              "HTTP_BODY_TIMEOUT",
              "30s",
              "a request body must arrive within this of its headers, else 408 and closed"),
          Variable.of(
              "HTTP_KEEP_ALIVE_TIMEOUT",
              "60s",
              "an idle keep-alive connection is closed after this without a next request"),
          Variable.of(
              "HTTP_MAX_CONNECTIONS",
              "4096",
              "open connections in all; beyond it a new connection is closed at once"),
          Variable.of(
              "HTTP_MAX_CONNECTIONS_PER_SOURCE",
              "512",
              "open connections per source (TCP peer) address; 0 turns it off. Behind a proxy this is the proxy's address"),
          Variable.of(
              "WEBHOOK_RATE_LIMIT_PER_MINUTE",
              "6000",
              "requests per source address per minute before 429 (a token bucket: a burst of this many,"
                  + " then this rate); 0 turns it off. Behind"
                  + " TRUSTED_PROXIES the source is the forwarded client"),
          Variable.of(
              "TRUSTED_PROXIES",
              "none",
              "comma-separated CIDR ranges or addresses of proxies whose X-Forwarded-For names the"
                  + " client (rate limit, source allowlist); from any other peer the header is ignored"),
          Variable.of(
              "WEBHOOK_SOURCE_ALLOWLIST",
              "any source",
              "accept webhooks only from these: github (the hooks ranges of GitHub's GET /meta,"
                  + " read at start and daily, kept when a read fails) and/or CIDR ranges; others"
                  + " get 403"),
          Variable.of(
              "AMQP_URL",
              "amqp://127.0.0.1:5672/%2f",
              "RabbitMQ (amqps:// for TLS); several nodes of one cluster: comma-separated URLs or host:port after the first URL"),
          Variable.of("AMQP_EXCHANGE", "solstice.jobs", "JobRequest exchange"),
          Variable.of("AMQP_ROUTING_KEY", "jobrequest.v1", "JobRequest routing key"),
          Variable.of("AMQP_QUEUE", "solstice.jobs.v1", "JobRequest queue"),
          Variable.of("AMQP_DLX", "solstice.dlx", "dead-letter exchange of every flow"),
          Variable.of("AMQP_DLQ", "solstice.jobs.v1.dlq", "JobRequest dead-letter queue"),
          Variable.of("AMQP_RESULTS_EXCHANGE", "solstice.results", "JobResult exchange"),
          Variable.of("AMQP_RESULTS_ROUTING_KEY", "jobresult.v1", "JobResult routing key"),
          Variable.of("AMQP_RESULTS_QUEUE", "solstice.results.v1", "JobResult queue"),
          Variable.of("AMQP_RESULTS_DLQ", "solstice.results.v1.dlq", "JobResult dead-letter queue"),
          Variable.of(
              "AMQP_INTAKE_EXCHANGE", "solstice.webhooks", "durable webhook intake exchange"),
          Variable.of("AMQP_INTAKE_QUEUE", "solstice.webhooks.v1", "durable webhook intake queue"),
          Variable.of("AMQP_INTAKE_DLQ", "solstice.webhooks.v1.dlq", "parked webhook deliveries"),
          Variable.of("AMQP_QUORUM", "false", "declare the queues as quorum queues (replicated)"),
          Variable.of(
              "AMQP_CONFIRM_TIMEOUT",
              "5s",
              "longest wait for a publisher confirm before 503 / retry"),
          Variable.of("INTAKE_PREFETCH", "64", "webhook deliveries processed at once per replica"),
          Variable.of(
              "INTAKE_MAX_ATTEMPTS", "8", "processing attempts of a delivery before it is parked"),
          Variable.of(
              "INTAKE_RETRY_DELAYS",
              "5s,30s,2m,10m,30m",
              "delays between attempts; the last one repeats"),
          Variable.of("RESULTS_PREFETCH", "32", "JobResults processed at once per replica"),
          Variable.of(
              "RESULTS_MAX_ATTEMPTS",
              "INTAKE_MAX_ATTEMPTS",
              "processing attempts of a JobResult before it is parked"),
          Variable.of(
              "RESULTS_RETRY_DELAYS",
              "INTAKE_RETRY_DELAYS",
              "delays between attempts of a JobResult; the last one repeats"),
          Variable.of(
              "DELIVERY_DEDUP_TTL",
              "7d",
              "how long a delivery id is remembered against duplicates"),
          Variable.of(
              "INTAKE_LANES",
              "true",
              "set aside, per installation, deliveries that would wait for GitHub's write budget"),
          Variable.of(
              "INTAKE_SET_ASIDE_AFTER",
              "1s",
              "a delivery whose installation cannot write within this goes to its lane"),
          Variable.of(
              "INTAKE_LANE_WORKERS", "4", "installation lane turns served at once per replica"),
          Variable.of(
              "INTAKE_LANE_POLL", "100ms", "how often an idle lane worker looks for a ready lane"),
          Variable.of(
              "INTAKE_LANE_SAFETY_DELAY",
              "15m",
              "when a set-aside delivery's safety copy comes back from the delay queue"),
          Variable.of(
              "DELIVERY_LEASE_TTL",
              "30s",
              "with REDIS_URL: how long a replica's claim on a delivery lasts unless renewed (renewed"
                  + " every third of it while processing; a crashed holder's claim expires after it)"),
          Variable.of(
              "REDIS_URL",
              "none (in memory)",
              "shared state of several replicas: delivery ledger, token cache, check-run map"),
          Variable.of(
              "REDIS_KEY_PREFIX",
              "solstice:",
              "put before every Redis key of the delivery ledger, check-run map, run state and missed-delivery job"),
          Variable.of("CHECK_RUN_TTL", "30d", "how long Redis remembers a job's check run"),
          Variable.of("RUN_STATE_TTL", "7d", "how long Redis keeps a workflow run's state"),
          Variable.of(
              "MISSED_DELIVERIES",
              "false",
              "periodically ask GitHub to redeliver webhooks that never reached us (needs the App); turn on in production"),
          Variable.of(
              "MISSED_DELIVERIES_INTERVAL",
              "10m",
              "time between runs of the missed-delivery job (1s to 1d; GitHub keeps deliveries 3 days)"),
          Variable.of(
              "MISSED_DELIVERIES_LOOKBACK",
              "6h",
              "how far back the job looks when it has no checkpoint yet (at most 3d)"),
          Variable.of(
              "MISSED_DELIVERIES_MAX_REDELIVERIES",
              "3",
              "redeliveries of one delivery before the job gives up on it"),
          Variable.of(
              "MISSED_DELIVERIES_MAX_PAGES", "50", "pages of 100 deliveries read per run at most"),
          Variable.of(
              "GITHUB_API_BASE",
              "https://api.github.com",
              "GitHub REST API; https://HOST/api/v3 for GitHub Enterprise Server"),
          Variable.of(
              "GITHUB_CREDENTIALS_CHECK_INTERVAL",
              "5m",
              "how often GET /app checks the App credentials; while GitHub refuses them, the longest wait between two checks"),
          Variable.of(
              "GITHUB_WEB_URL",
              "https://github.com",
              "GitHub's web host, where the setup page creates the App; https://HOST for GitHub Enterprise Server"),
          Variable.of(
              "PUBLIC_URL",
              "the setup request's origin",
              "this service as GitHub and browsers reach it (https://ci.example.com): the App's webhook, setup and callback URLs, and the job pages check runs link to"),
          Variable.of(
              "SETUP_ENABLED",
              "false",
              "serve /github/app/new (create the App from its manifest) although an App is configured; always served while none is"),
          Variable.of(
              "SETUP_OUTPUT_DIR",
              "github-app",
              "where /github/app/callback writes the new App's id, private key and secrets (files 0600)"),
          Variable.of(
              "GITHUB_APP_ID",
              "none",
              "GitHub App id; without it the service runs intake-only (default jobs, no check runs)"),
          Variable.of(
              "GITHUB_APP_KEY_PATH",
              "none",
              "the App's private key file (PEM, PKCS#1 as GitHub hands it out, or PKCS#8)"),
          Variable.secret(
              "GITHUB_APP_KEY",
              "none",
              "the private key itself (PEM text), instead of GITHUB_APP_KEY_PATH"),
          Variable.secret(
              "GITHUB_TOKEN",
              "none",
              "static token (a personal access token) used when the App's token exchange fails;"
                  + " GitHub refuses check-run writes with it, so results become commit statuses"),
          Variable.secret(
              "TOKEN_CACHE_KEY",
              "required with REDIS_URL",
              "base64 of 32 bytes: AES-GCM key of installation tokens cached in Redis"),
          Variable.of(
              "GITHUB_TOKEN_CACHE_PREFIX",
              "solstice:github:token:",
              "Redis key prefix of cached tokens"),
          Variable.of(
              "GITHUB_MAX_ATTEMPTS", "5", "attempts of a GitHub request on transient errors"),
          Variable.of(
              "GITHUB_RETRY_BASE_DELAY", "500ms", "first backoff delay (exponential, full jitter)"),
          Variable.of("GITHUB_RETRY_MAX_DELAY", "30s", "largest backoff delay"),
          Variable.of(
              "GITHUB_MAX_RATE_LIMIT_WAIT",
              "5m",
              "longest wait for a GitHub rate limit or a 5xx `retry-after` before failing (the delivery is"
                  + " retried later)"),
          Variable.of("GITHUB_REQUEST_TIMEOUT", "15s", "timeout of one GitHub request"),
          Variable.of(
              "GITHUB_WRITES_PER_MINUTE",
              "80",
              "content-creating requests per minute per installation (GitHub's secondary limit); with"
                  + " REDIS_URL one budget for all replicas"),
          Variable.of(
              "GITHUB_WRITES_PER_HOUR",
              "500",
              "content-creating requests per hour per installation; with REDIS_URL one budget for all"
                  + " replicas"),
          Variable.of(
              "GITHUB_WRITE_BUDGET_PREFIX",
              "solstice:github:budget:",
              "Redis key prefix of the per-installation write budget shared by replicas"),
          Variable.of(
              "GITHUB_WRITE_MIN_INTERVAL",
              "0ms",
              "least time between two writes of one installation"),
          Variable.of("GITHUB_MAX_CONCURRENT_READS", "16", "GitHub reads in flight at once"),
          Variable.of(
              "GITHUB_ALLOWED_WRITES",
              "all",
              "write operations allowed, by GitHub operation id (checks/create,checks/update,...)"),
          Variable.of(
              "GITHUB_CHECK_NAME", "Solstice CI", "check run name; jobs are '<name> / <job id>'"),
          Variable.of(
              "JOB_PAGES_PUBLIC",
              "false",
              "serve every job page (/jobs/<request_id>, with the log) to anyone, skipping the GitHub access check (a closed network, a demo, the sandbox); off, a job page needs a viewer who can read its repository"),
          Variable.of(
              "GITHUB_CLIENT_ID",
              "none",
              "the App's OAuth client id (the setup writes it): GitHub login for the job pages and the console; needs PUBLIC_URL, whose /auth/github/callback must be a callback URL of the App"),
          Variable.secret(
              "GITHUB_CLIENT_SECRET",
              "none",
              "the App's OAuth client secret, with GITHUB_CLIENT_ID"),
          Variable.of(
              "PUBLIC_REPOS_ANONYMOUS",
              "false",
              "anonymous viewers see the job pages of public repositories (GitHub tells which are, asked without a token, cached ACCESS_CACHE_TTL)"),
          Variable.of(
              "CONSOLE_ADMINS",
              "none",
              "administrators: GitHub logins and org/team slugs (team membership asked with the user's token; the App needs the organization permission Members: read)"),
          Variable.secret(
              "SESSION_SECRET",
              "random per process",
              "32+ characters: the key session cookies are encrypted and authenticated with (AES-GCM) and CSRF tokens signed with; the same on every replica, else sessions end at each restart"),
          Variable.of(
              "SESSION_IDLE_TIMEOUT",
              "2h",
              "a browser session unused this long ends (back to login)"),
          Variable.of(
              "SESSION_MAX_AGE", "8h", "a browser session ends this long after login, used or not"),
          Variable.of(
              "ACCESS_CACHE_TTL",
              "5m",
              "how long a user's permission on a repository, a team membership and a repository's visibility are kept before GitHub is asked again"),
          Variable.of(
              "LOGS_BASE_URL",
              "PUBLIC_URL/jobs/<request_id> when job pages are served (GitHub login, PUBLIC_REPOS_ANONYMOUS or JOB_PAGES_PUBLIC), else S3_ENDPOINT/S3_BUCKET",
              "prefix of each job's details_url, + its log path; set it to link logs served elsewhere (deprecated alias ORCH_HTTP_BASE)"),
          Variable.of(
              "ORCH_HTTP_BASE",
              "none",
              "deprecated alias of LOGS_BASE_URL, used when that is unset"),
          Variable.of(
              "S3_ENDPOINT",
              "none",
              "S3-compatible store of job logs, read by the job pages; gives the default LOGS_BASE_URL"),
          Variable.of("S3_BUCKET", "solstice-logs", "bucket of job logs"),
          Variable.of("S3_REGION", "us-east-1", "region the job pages sign their log reads for"),
          Variable.of(
              "S3_ACCESS_KEY",
              "the AWS default chain",
              "access key of the job pages' log reads (with S3_SECRET_KEY)"),
          Variable.secret("S3_SECRET_KEY", "none", "secret key matching S3_ACCESS_KEY"),
          Variable.of(
              "JOB_LOG_POLL_INTERVAL",
              "2s",
              "how often a running job's live log asks the bucket for new parts (once per job, however many watch)"),
          Variable.of("JOB_LOG_STREAMS_PER_JOB", "20", "open live-log streams of one job at most"),
          Variable.of("JOB_LOG_STREAMS_MAX", "500", "open live-log streams of all jobs at most"),
          Variable.of(
              "JOB_LOG_IDLE_TIMEOUT",
              "10m",
              "a job's live-log streams end after this long without a new line (the page says to refresh)"),
          Variable.of(
              "RUNS_ON_DEFAULT",
              "none",
              "runner label when neither the job, its group nor RUNS_ON_MAP names one"),
          Variable.of("RUNS_ON_MAP", "none", "per-repository runner labels: owner/repo=label,..."),
          Variable.of(
              "REPO_ALLOWLIST",
              "none (all)",
              "repositories served: comma-separated owner or owner/name globs; others get no jobs and no GitHub call"),
          Variable.of(
              "REPO_DENYLIST",
              "none",
              "repositories never served (owner or owner/name globs); wins over REPO_ALLOWLIST"),
          Variable.of(
              "FORK_PR_POLICY",
              "members",
              "fork pull requests run automatically: never, members (author OWNER, MEMBER or COLLABORATOR) or always; a held one gets a neutral check run"),
          Variable.secret(
              "DATABASE_URL",
              "none (no record)",
              "PostgreSQL of the record of installations, repositories and deliveries: postgresql://user:password@host:5432/db"),
          Variable.of(
              "DELIVERY_RETENTION",
              "30d",
              "deliveries older than this are deleted from the record"),
          Variable.of(
              "STORE_PAYLOADS",
              "false",
              "keep each delivery's body in the record, AES-GCM encrypted with TOKEN_CACHE_KEY"),
          Variable.of(
              "INSTALLATIONS_SYNC_INTERVAL",
              "6h",
              "time between reconciliations of the record with GitHub's installations and repositories"),
          Variable.of(
              "RECORD_BUFFER",
              "10000",
              "record writes held in memory while PostgreSQL is down; beyond it the oldest are dropped and logged"),
          // Traces (issue 17): read by the OpenTelemetry SDK's autoconfigure.
          Telemetry.TRACES_EXPORTER,
          Telemetry.EXPORTER_OTLP_ENDPOINT,
          Telemetry.EXPORTER_OTLP_PROTOCOL,
          Telemetry.EXPORTER_OTLP_HEADERS,
          Telemetry.SERVICE_NAME,
          Telemetry.TRACES_SAMPLER,
          Variable.of(
              "GATEWAY_ADDR",
              "none (off)",
              "the GitHub gateway's own listener for jobs, host:port (docs/gateway.md); unset: no gateway, no job tokens"),
          Variable.of(
              "GATEWAY_URL",
              "http://<GATEWAY_ADDR>",
              "the gateway's base URL as runners reach it, given to each job as github.api_url"),
          Variable.of(
              "GATEWAY_MAX_BODY_BYTES",
              "104857600",
              "largest request body the gateway forwards (streamed); larger is 413"),
          Variable.of(
              "GATEWAY_TOKEN_GRACE",
              "1m",
              "how long a job token keeps working after the job's final JobResult was processed"),
          Variable.of(
              "GATEWAY_TOKEN_MARGIN",
              "10m",
              "added to the job's timeout for a job token's longest life"),
          Variable.of(
              "GATEWAY_CACHE_TTL",
              "0s (off)",
              "how long after GitHub last confirmed a cached GET the gateway itself answers a client's matching If-None-Match with 304 (docs/gateway.md)"),
          Variable.of(
              "GATEWAY_CLIENTS_FILE",
              "none",
              "the gateway's client registry (YAML, version 1: name, token_sha256, scopes, repositories, budget_per_hour; docs/gateway.md), re-read when it changes; an invalid file is refused with its line and the previous registry stays"),
          Variable.of(
              "GATEWAY_DEFAULT_JOB_TIMEOUT",
              "6h",
              "the timeout a job token assumes for a job whose workflow names none"),
          Variable.of(
              "GITHUB_UPLOADS_BASE",
              "https://uploads.github.com",
              "GitHub's uploads host (release assets) the gateway forwards /uploads/ to; derived from GITHUB_API_BASE for Enterprise Server (https://host/api/uploads)"),
          Variable.of(
              "GITHUB_APP_<NAME>_ID",
              "none",
              "an extra App of the gateway's credential pool (docs/gateway.md), for registry clients' requests when the App is rate limited; needs the two below"),
          Variable.of(
              "GITHUB_APP_<NAME>_KEY_PATH", "none", "the extra App's private key file (PEM)"),
          Variable.of(
              "GITHUB_APP_<NAME>_INSTALLATION_ID",
              "none",
              "the extra App's installation its tokens are minted for"),
          Variable.secret(
              "GITHUB_PAT_<NAME>",
              "none",
              "a personal access token of the gateway's credential pool, used after the Apps (names in alphabetical order)"),
          Variable.of("LOG_FORMAT", "json", "json (one object per line) or text"),
          Variable.of("LOG_LEVEL", "INFO", "root log level"));

  public static final List<Variable> VARIABLES = CATALOGUE.variables();

  private Help() {}

  public static String text() {
    StringBuilder out =
        new StringBuilder(
            """
        solstice github-integration: GitHub webhooks in, JobRequests on RabbitMQ out, Check Runs back.

        Usage: java -jar github-integration.jar [--http-addr HOST:PORT] [--webhook-path PATH] [--help]
        Flags override the environment variables of the same meaning.

        Environment variables [default]:
        """);
    out.append(CATALOGUE.text("  "));
    return out.toString();
  }

  /** docs/configuration.md's table, generated from the same list. */
  public static String markdownTable() {
    return CATALOGUE.markdownTable();
  }

  /** Prints the markdown table (used to regenerate docs/configuration.md). */
  public static void main(String[] args) {
    System.out.print(markdownTable());
  }
}
