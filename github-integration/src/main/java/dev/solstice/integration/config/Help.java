package dev.solstice.integration.config;

/** The text of {@code --help}: every variable with its default; docs/configuration.md is the same list. */
public final class Help {

  private Help() {
  }

  public static String text() {
    return """
        solstice github-integration: GitHub webhooks in, JobRequests on RabbitMQ out, Check Runs back.

        Usage: java -jar github-integration.jar [--http-addr HOST:PORT] [--webhook-path PATH] [--help]
        Flags override the environment variables of the same meaning.

        Environment variables (default in brackets):
          HTTP_ADDR                  listen address [0.0.0.0:8082]
          WEBHOOK_PATH               webhook endpoint path [/webhooks/github]
          GITHUB_WEBHOOK_SECRET      webhook secret(s), comma-separated to rotate (alias: WEBHOOK_SECRET) [required]
          ALLOW_UNSIGNED_WEBHOOKS    accept unsigned webhooks; development only [false]
          MAX_BODY_BYTES             largest webhook body accepted [26214400]
          WEBHOOK_RATE_LIMIT_PER_MINUTE  requests per source address per minute, 0 = off [6000]
          AMQP_URL                   broker [amqp://127.0.0.1:5672/%2f]
          AMQP_EXCHANGE              JobRequest exchange [solstice.jobs]
          AMQP_ROUTING_KEY           JobRequest routing key [jobrequest.v1]
          AMQP_QUEUE                 JobRequest queue [solstice.jobs.v1]
          AMQP_DLX                   dead-letter exchange [solstice.dlx]
          AMQP_DLQ                   JobRequest dead-letter queue [solstice.jobs.v1.dlq]
          AMQP_RESULTS_EXCHANGE      JobResult exchange [solstice.results]
          AMQP_RESULTS_ROUTING_KEY   JobResult routing key [jobresult.v1]
          AMQP_RESULTS_QUEUE         JobResult queue [solstice.results.v1]
          AMQP_RESULTS_DLQ           JobResult dead-letter queue [solstice.results.v1.dlq]
          AMQP_INTAKE_EXCHANGE       durable webhook intake exchange [solstice.webhooks]
          AMQP_INTAKE_QUEUE          durable webhook intake queue [solstice.webhooks.v1]
          AMQP_INTAKE_DLQ            parked deliveries [solstice.webhooks.v1.dlq]
          AMQP_QUORUM                declare work queues as quorum queues [false]
          AMQP_CONFIRM_TIMEOUT       longest wait for a publisher confirm [5s]
          INTAKE_PREFETCH            deliveries processed at once [16]
          INTAKE_MAX_ATTEMPTS        processing attempts before a delivery is parked [8]
          INTAKE_RETRY_DELAYS        delays between attempts, the last repeats [5s,30s,2m,10m,30m]
          RESULTS_PREFETCH           JobResults processed at once [32]
          DELIVERY_DEDUP_TTL         how long a delivery id is remembered [7d]
          REDIS_URL                  shared state for several replicas, e.g. redis://host:6379 [in memory]
          GITHUB_API_BASE            GitHub REST API base [https://api.github.com]
          GITHUB_APP_ID              GitHub App id [required for GitHub calls]
          GITHUB_APP_KEY_PATH        App private key PEM file (or GITHUB_APP_KEY with the PEM text)
          GITHUB_TOKEN               static token used when the App exchange fails [none]
          TOKEN_CACHE_KEY            base64 AES key encrypting tokens cached in Redis [required with REDIS_URL]
          GITHUB_CHECK_NAME          check run name prefix [Solstice CI]
          LOGS_BASE_URL              prefix of each job's details_url (deprecated alias: ORCH_HTTP_BASE) [S3_ENDPOINT/S3_BUCKET]
          S3_ENDPOINT, S3_BUCKET     where the orchestrator stores logs, used for LOGS_BASE_URL [none, solstice-logs]
          RUNS_ON_DEFAULT            runner label when neither job nor RUNS_ON_MAP names one [none]
          RUNS_ON_MAP                per-repository labels: owner/repo=label,... [none]
          LOG_FORMAT                 json or text [json]
        """;
  }
}
