package dev.solstice.integration.pages;

import dev.solstice.platform.config.S3Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads job logs from the bucket the orchestrator uploads them to (path-style, like its {@code
 * S3LogStore}). The SDK client blocks, so every read runs on a worker thread.
 */
final class LogReader implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Vertx vertx;
  private final S3Settings bucket;
  private final S3Client client;
  private final PartsReader parts;

  LogReader(Vertx vertx, S3Settings bucket) {
    this.vertx = vertx;
    this.bucket = bucket;
    this.client =
        S3Client.builder()
            // Not the SDK's Netty client: Vert.x brings Netty 4.2, that client wants 4.1.
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(TIMEOUT)
                    .build())
            .endpointOverride(bucket.endpoint())
            .forcePathStyle(true)
            .region(Region.of(bucket.region()))
            .credentialsProvider(credentials(bucket))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                ClientOverrideConfiguration.builder().apiCallTimeout(TIMEOUT).build())
            .build();
    this.parts = new PartsReader(client, bucket.bucket());
  }

  private static AwsCredentialsProvider credentials(S3Settings bucket) {
    return bucket.hasStaticKeys()
        ? StaticCredentialsProvider.create(
            AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey()))
        : DefaultCredentialsProvider.builder().build();
  }

  /**
   * The log's text: the final object, or while there is none the parts uploaded so far; empty when
   * there is nothing (yet).
   */
  Future<Optional<String>> read(String key) {
    return snapshot(key)
        .map(
            s ->
                s.present()
                    ? Optional.of(new String(s.bytes(), StandardCharsets.UTF_8))
                    : Optional.<String>empty());
  }

  /** The final log, or the parts uploaded so far while the job runs (docs/messages.md). */
  Future<LogSnapshot> snapshot(String key) {
    return vertx.executeBlocking(() -> parts.read(key), false);
  }

  /** The parts from number {@code from} on, up to the first missing one. */
  Future<LogSnapshot> parts(String key, int from) {
    return vertx.executeBlocking(() -> parts.parts(key, from), false);
  }

  /** The final log's bytes; empty while there is none. */
  Future<Optional<byte[]>> whole(String key) {
    return vertx.executeBlocking(() -> parts.object(key), false);
  }

  @Override
  public void close() {
    client.close();
  }
}
