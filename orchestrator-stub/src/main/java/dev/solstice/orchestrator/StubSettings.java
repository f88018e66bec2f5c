package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.BrokerAddresses;
import dev.solstice.platform.amqp.RetrySchedule;
import dev.solstice.platform.amqp.Telemetry;
import dev.solstice.platform.amqp.TopologyEnv;
import dev.solstice.platform.config.Catalogue;
import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.InvalidConfigurationException;
import dev.solstice.platform.config.S3Settings;
import dev.solstice.platform.config.Variable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the stub orchestrator, read from environment variables only (see README).
 *
 * @param amqpUrl broker URL; may carry a password, so {@link #toString()} redacts it
 * @param jobs the JobRequest flow the stub consumes
 * @param results the JobResult flow the stub publishes to
 * @param prefetch unacknowledged JobRequests the broker hands out at once, i.e. concurrent jobs
 * @param execute run scripts with bash instead of simulating them
 * @param defaultOutcome conclusion of simulated jobs that do not ask for one
 * @param defaultDuration duration of simulated jobs that do not ask for one
 * @param s3 log storage; null when {@code S3_ENDPOINT} is unset and logs are not uploaded
 * @param jobRetries when a job fails in the stub (its result could not be published): retried
 *     through a delay queue after each delay, up to the attempts
 * @param defaultLogLines progress lines simulated jobs print over their duration unless they ask
 *     otherwise ({@code SOLSTICE_STUB_LOG_LINES})
 * @param logPartLines a running job's log goes up as a part once this many new lines are there
 * @param logPartInterval ... or once this long passed with new lines; zero: no parts, only the
 *     final log
 */
public record StubSettings(
    String amqpUrl,
    QueueTopology jobs,
    QueueTopology results,
    int prefetch,
    boolean execute,
    Conclusion defaultOutcome,
    Duration defaultDuration,
    S3Settings s3,
    RetrySchedule jobRetries,
    int defaultLogLines,
    int logPartLines,
    Duration logPartInterval) {

  public static final String DEFAULT_AMQP_URL = "amqp://127.0.0.1:5672/%2f";
  public static final int DEFAULT_PREFETCH = 8;
  public static final long DEFAULT_DURATION_MS = 200;
  public static final int DEFAULT_LOG_PART_LINES = 50;
  public static final long DEFAULT_LOG_PART_INTERVAL_MS = 1000;

  /**
   * A job that failed in the stub is tried again after 5 s, for as long as it takes (a broker
   * outage).
   */
  public static final RetrySchedule DEFAULT_JOB_RETRIES =
      new RetrySchedule(List.of(Duration.ofSeconds(5)), Integer.MAX_VALUE);

  /** AMQP's prefetch count is an unsigned short. */
  static final int MAX_PREFETCH = 65_535;

  /** Every variable the stub reads, as {@code --help} shows them. */
  public static final Catalogue CATALOGUE =
      Catalogue.of(
          Variable.of("AMQP_URL", DEFAULT_AMQP_URL, "broker URL"),
          Variable.of("AMQP_EXCHANGE", QueueTopology.JOBS.exchange(), "JobRequest exchange"),
          Variable.of(
              "AMQP_ROUTING_KEY", QueueTopology.JOBS.routingKey(), "JobRequest routing key"),
          Variable.of("AMQP_QUEUE", QueueTopology.JOBS.queue(), "JobRequest queue"),
          Variable.of(
              "AMQP_DLX",
              QueueTopology.JOBS.deadLetterExchange(),
              "dead-letter exchange, both flows"),
          Variable.of(
              "AMQP_DLQ", QueueTopology.JOBS.deadLetterQueue(), "JobRequest dead-letter queue"),
          Variable.of(
              "AMQP_RESULTS_EXCHANGE", QueueTopology.RESULTS.exchange(), "JobResult exchange"),
          Variable.of(
              "AMQP_RESULTS_ROUTING_KEY",
              QueueTopology.RESULTS.routingKey(),
              "JobResult routing key"),
          Variable.of("AMQP_RESULTS_QUEUE", QueueTopology.RESULTS.queue(), "JobResult queue"),
          Variable.of(
              "AMQP_RESULTS_DLQ",
              QueueTopology.RESULTS.deadLetterQueue(),
              "JobResult dead-letter queue"),
          Variable.of("AMQP_QUORUM", "false", "declare quorum queues"),
          Variable.of(
              "STUB_PREFETCH",
              String.valueOf(DEFAULT_PREFETCH),
              "jobs run at once (unacked JobRequests)"),
          Variable.of("STUB_EXECUTE", "false", "same as --execute"),
          Variable.of("STUB_DEFAULT_OUTCOME", "success", "conclusion of simulated jobs"),
          Variable.of(
              "STUB_DEFAULT_DURATION_MS",
              String.valueOf(DEFAULT_DURATION_MS),
              "duration of simulated jobs"),
          Variable.of(
              "STUB_DEFAULT_LOG_LINES", "0", "progress lines simulated jobs print over their time"),
          Variable.of(
              "STUB_LOG_PART_LINES",
              String.valueOf(DEFAULT_LOG_PART_LINES),
              "a running job's log goes up as a part every this many lines"),
          Variable.of(
              "STUB_LOG_PART_INTERVAL_MS",
              String.valueOf(DEFAULT_LOG_PART_INTERVAL_MS),
              "... or every this many ms with new lines; 0: no parts"),
          Variable.of(
              "S3_ENDPOINT", "none: logs are not uploaded", "S3-compatible endpoint for logs"),
          Variable.of("S3_BUCKET", S3Settings.DEFAULT_BUCKET, "log bucket, created if missing"),
          Variable.of("S3_REGION", S3Settings.DEFAULT_REGION, "signing region"),
          Variable.of(
              "S3_ACCESS_KEY", "AWS SDK default chain", "static credentials, with S3_SECRET_KEY"),
          Variable.secret(
              "S3_SECRET_KEY", "AWS SDK default chain", "static credentials, with S3_ACCESS_KEY"),
          // Traces (issue 17): read by the OpenTelemetry SDK's autoconfigure.
          Telemetry.TRACES_EXPORTER,
          Telemetry.EXPORTER_OTLP_ENDPOINT,
          Telemetry.EXPORTER_OTLP_PROTOCOL,
          Telemetry.EXPORTER_OTLP_HEADERS,
          Telemetry.SERVICE_NAME,
          Telemetry.TRACES_SAMPLER);

  /**
   * Reads the settings from the given environment.
   *
   * @throws InvalidConfigurationException naming every variable with an unusable value
   */
  public static StubSettings fromEnv(Map<String, String> env) {
    EnvReader in = new EnvReader(env);
    BrokerAddresses.read(in, "AMQP_URL", DEFAULT_AMQP_URL);
    boolean quorum = in.strictBool("AMQP_QUORUM", false);
    QueueTopology jobs = TopologyEnv.jobs(in, quorum);
    QueueTopology results = TopologyEnv.results(in, jobs.deadLetterExchange(), quorum);
    int prefetch = in.positiveInt("STUB_PREFETCH", DEFAULT_PREFETCH, MAX_PREFETCH);
    boolean execute = in.strictBool("STUB_EXECUTE", false);
    Conclusion outcome =
        in.parsed(
            "STUB_DEFAULT_OUTCOME",
            Conclusion.SUCCESS,
            Conclusions::parse,
            "expected one of " + Conclusions.names());
    long durationMs = in.nonNegativeLong("STUB_DEFAULT_DURATION_MS", DEFAULT_DURATION_MS);
    int logLines = in.integer("STUB_DEFAULT_LOG_LINES", 0, 0, SimulatedJobRunner.MAX_LOG_LINES);
    int partLines = in.positiveInt("STUB_LOG_PART_LINES", DEFAULT_LOG_PART_LINES, 1_000_000);
    long partMs = in.nonNegativeLong("STUB_LOG_PART_INTERVAL_MS", DEFAULT_LOG_PART_INTERVAL_MS);
    S3Settings s3 = S3Settings.read(in);
    in.check();
    return new StubSettings(
        in.string("AMQP_URL", DEFAULT_AMQP_URL),
        jobs,
        results,
        prefetch,
        execute,
        outcome,
        Duration.ofMillis(durationMs),
        s3,
        DEFAULT_JOB_RETRIES,
        logLines,
        partLines,
        Duration.ofMillis(partMs));
  }

  /** The same settings with script execution switched on or off (the {@code --execute} flag). */
  public StubSettings withExecute(boolean enabled) {
    return new StubSettings(
        amqpUrl,
        jobs,
        results,
        prefetch,
        enabled,
        defaultOutcome,
        defaultDuration,
        s3,
        jobRetries,
        defaultLogLines,
        logPartLines,
        logPartInterval);
  }

  /** Whether job logs are uploaded; without S3 the JobResults carry no log_url. */
  public boolean uploadsLogs() {
    return s3 != null;
  }

  /** {@link #amqpUrl()} with the password replaced, safe to log. */
  public String redactedAmqpUrl() {
    return BrokerAddresses.parse(amqpUrl).redacted();
  }

  @Override
  public String toString() {
    return "StubSettings[amqpUrl="
        + redactedAmqpUrl()
        + ", jobs="
        + jobs
        + ", results="
        + results
        + ", prefetch="
        + prefetch
        + ", execute="
        + execute
        + ", defaultOutcome="
        + defaultOutcome.apiName()
        + ", defaultDuration="
        + defaultDuration.toMillis()
        + "ms, s3="
        + (s3 == null ? "disabled" : s3)
        + ", jobRetries="
        + jobRetries
        + ", logParts="
        + logPartLines
        + " lines/"
        + logPartInterval.toMillis()
        + "ms]";
  }
}
