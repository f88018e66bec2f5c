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
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads job logs from the bucket the orchestrator uploads them to (path-style, like its {@code
 * S3LogStore}). The SDK client blocks, so every read runs on a worker thread.
 */
final class LogReader implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Vertx vertx;
  private final S3Settings bucket;
  private final S3Client client;

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
  }

  private static AwsCredentialsProvider credentials(S3Settings bucket) {
    return bucket.hasStaticKeys()
        ? StaticCredentialsProvider.create(
            AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey()))
        : DefaultCredentialsProvider.builder().build();
  }

  /** The object's text; empty when there is none (yet). */
  Future<Optional<String>> read(String key) {
    return vertx.executeBlocking(
        () -> {
          try {
            return Optional.of(
                client
                    .getObjectAsBytes(b -> b.bucket(bucket.bucket()).key(key))
                    .asString(StandardCharsets.UTF_8));
          } catch (NoSuchKeyException e) {
            return Optional.<String>empty();
          } catch (S3Exception e) {
            if (e.statusCode() == 404) {
              return Optional.<String>empty();
            }
            throw e;
          }
        },
        false);
  }

  @Override
  public void close() {
    client.close();
  }
}
