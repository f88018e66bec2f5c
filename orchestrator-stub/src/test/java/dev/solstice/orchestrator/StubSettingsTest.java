package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.config.InvalidConfigurationException;
import dev.solstice.platform.config.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StubSettingsTest {

  @Test
  void emptyEnvironmentGivesTheDocumentedDefaultsWithoutLogUploads() {
    StubSettings settings = StubSettings.fromEnv(Map.of());

    assertThat(settings.amqpUrl()).isEqualTo("amqp://127.0.0.1:5672/%2f");
    assertThat(settings.jobs()).isEqualTo(QueueTopology.JOBS);
    assertThat(settings.results()).isEqualTo(QueueTopology.RESULTS);
    assertThat(settings.prefetch()).isEqualTo(8);
    assertThat(settings.execute()).isFalse();
    assertThat(settings.defaultOutcome()).isEqualTo(Conclusion.SUCCESS);
    assertThat(settings.defaultDuration()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.uploadsLogs()).isFalse();
    assertThat(settings.s3()).isNull();
  }

  @Test
  void everyVariableOverridesItsDefault() {
    StubSettings settings =
        StubSettings.fromEnv(
            Map.ofEntries(
                Map.entry("AMQP_URL", "amqps://bot:pw@mq.example:5671/ci"),
                Map.entry("AMQP_EXCHANGE", "x.jobs"),
                Map.entry("AMQP_ROUTING_KEY", "k.jobs"),
                Map.entry("AMQP_QUEUE", "q.jobs"),
                Map.entry("AMQP_DLX", "x.dead"),
                Map.entry("AMQP_DLQ", "q.jobs.dead"),
                Map.entry("AMQP_RESULTS_EXCHANGE", "x.results"),
                Map.entry("AMQP_RESULTS_ROUTING_KEY", "k.results"),
                Map.entry("AMQP_RESULTS_QUEUE", "q.results"),
                Map.entry("AMQP_RESULTS_DLQ", "q.results.dead"),
                Map.entry("AMQP_QUORUM", "TRUE"),
                Map.entry("STUB_PREFETCH", "3"),
                Map.entry("STUB_EXECUTE", "true"),
                Map.entry("STUB_DEFAULT_OUTCOME", "timed_out"),
                Map.entry("STUB_DEFAULT_DURATION_MS", "0"),
                Map.entry("S3_ENDPOINT", "http://minio:9000/"),
                Map.entry("S3_BUCKET", "ci-logs"),
                Map.entry("S3_REGION", "eu-west-1"),
                Map.entry("S3_ACCESS_KEY", "AK"),
                Map.entry("S3_SECRET_KEY", "SK")));

    assertThat(settings.jobs())
        .isEqualTo(new QueueTopology("x.jobs", "k.jobs", "q.jobs", "x.dead", "q.jobs.dead", true));
    assertThat(settings.results())
        .isEqualTo(
            new QueueTopology(
                "x.results", "k.results", "q.results", "x.dead", "q.results.dead", true));
    assertThat(settings.prefetch()).isEqualTo(3);
    assertThat(settings.execute()).isTrue();
    assertThat(settings.defaultOutcome()).isEqualTo(Conclusion.TIMED_OUT);
    assertThat(settings.defaultDuration()).isZero();
    assertThat(settings.s3())
        .isEqualTo(
            new S3Settings(URI.create("http://minio:9000"), "ci-logs", "eu-west-1", "AK", "SK"));
  }

  @Test
  void reportsEveryBadVariableAtOnceNamingEach() {
    assertThatThrownBy(
            () ->
                StubSettings.fromEnv(
                    Map.of(
                        "STUB_PREFETCH", "x",
                        "AMQP_QUORUM", "yes",
                        "STUB_EXECUTE", "1",
                        "STUB_DEFAULT_OUTCOME", "passed",
                        "STUB_DEFAULT_DURATION_MS", "-5",
                        "AMQP_URL", "http://mq:5672",
                        "S3_ENDPOINT", "minio:9000",
                        "S3_BUCKET", "Bad_Bucket",
                        "S3_ACCESS_KEY", "AK")))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems(), list(String.class))
        .containsExactlyInAnyOrder(
            "STUB_PREFETCH: expected a positive integer up to 65535, got \"x\"",
            "AMQP_QUORUM: expected true or false, got \"yes\"",
            "STUB_EXECUTE: expected true or false, got \"1\"",
            "STUB_DEFAULT_OUTCOME: expected one of success, failure, cancelled, timed_out, skipped, neutral, got \"passed\"",
            "STUB_DEFAULT_DURATION_MS: expected a non-negative integer, got \"-5\"",
            "AMQP_URL: expected an amqp or amqps URL with a host",
            "S3_ENDPOINT: expected an http or https URL with a host",
            "S3_BUCKET: expected 3-63 lowercase letters, digits, dots or hyphens, got \"Bad_Bucket\"",
            "S3_ACCESS_KEY, S3_SECRET_KEY: set both or neither (neither uses the AWS default credentials chain)");
  }

  @Test
  void prefetchMustBePositiveAndFitAmqpsUnsignedShort() {
    assertThatThrownBy(() -> StubSettings.fromEnv(Map.of("STUB_PREFETCH", "0")))
        .hasMessageContaining("STUB_PREFETCH: expected a positive integer up to 65535, got \"0\"");
    assertThatThrownBy(() -> StubSettings.fromEnv(Map.of("STUB_PREFETCH", "65536")))
        .hasMessageContaining("STUB_PREFETCH");
    assertThat(StubSettings.fromEnv(Map.of("STUB_PREFETCH", "65535")).prefetch()).isEqualTo(65535);
  }

  @Test
  void blankValuesCountAsUnset() {
    StubSettings settings =
        StubSettings.fromEnv(Map.of("STUB_PREFETCH", " ", "S3_ENDPOINT", "", "AMQP_QUEUE", ""));

    assertThat(settings.prefetch()).isEqualTo(8);
    assertThat(settings.uploadsLogs()).isFalse();
    assertThat(settings.jobs().queue()).isEqualTo("solstice.jobs.v1");
  }

  @Test
  void amqpUrlProblemDoesNotRepeatTheValueWhichMayHoldAPassword() {
    assertThatThrownBy(() -> StubSettings.fromEnv(Map.of("AMQP_URL", "http://bot:hunter2@mq")))
        .hasMessageContaining("AMQP_URL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void toStringRedactsTheAmqpPasswordAndTheS3SecretKey() {
    StubSettings settings =
        StubSettings.fromEnv(
            Map.of(
                "AMQP_URL",
                "amqp://bot:hunter2@mq:5672/%2f",
                "S3_ENDPOINT",
                "http://minio:9000",
                "S3_ACCESS_KEY",
                "AKIDEXAMPLE",
                "S3_SECRET_KEY",
                "wJalrXUtnFEMI"));

    assertThat(settings.toString())
        .contains("amqp://bot:***@mq:5672/%2f", "AKIDEXAMPLE")
        .doesNotContain("hunter2", "wJalrXUtnFEMI");
    assertThat(settings.redactedAmqpUrl()).isEqualTo("amqp://bot:***@mq:5672/%2f");
    assertThat(settings.s3().toString()).doesNotContain("wJalrXUtnFEMI");
  }

  @Test
  void withoutStaticKeysTheSdkDefaultChainIsUsed() {
    S3Settings s3 = StubSettings.fromEnv(Map.of("S3_ENDPOINT", "https://s3.example")).s3();

    assertThat(s3.hasStaticKeys()).isFalse();
    assertThat(s3.bucket()).isEqualTo("solstice-logs");
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.toString()).contains("default chain");
  }

  @Test
  void executeFlagOverridesTheEnvironment() {
    assertThat(StubSettings.fromEnv(Map.of()).withExecute(true).execute()).isTrue();
  }
}
