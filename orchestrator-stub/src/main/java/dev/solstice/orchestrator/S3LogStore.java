package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.logs.LogParts;
import dev.solstice.platform.config.S3Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Stores logs as {@code text/plain} objects in an S3-compatible service, addressed path-style, so a
 * log's URL is {@code S3_ENDPOINT/bucket/key}. The SDK client is synchronous; every call runs on a
 * Vert.x worker thread.
 */
public final class S3LogStore implements LogStore {

  private static final Logger LOG = LoggerFactory.getLogger(S3LogStore.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);

  private final Vertx vertx;
  private final S3Settings settings;
  private final S3Client client;

  public S3LogStore(Vertx vertx, S3Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = client(settings);
  }

  /** A client for the settings, usable on its own (e.g. by tests reading logs back). */
  public static S3Client client(S3Settings settings) {
    return S3Client.builder()
        // UrlConnection, not the Netty client: Vert.x brings Netty 4.2, the SDK's Netty client
        // wants 4.1.
        .httpClient(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(ATTEMPT_TIMEOUT)
                .build())
        .endpointOverride(settings.endpoint())
        .forcePathStyle(true)
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials(settings))
        // Newer SDKs add CRC checksums to every request; many S3-compatible servers reject those.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .apiCallTimeout(CALL_TIMEOUT)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .build())
        .build();
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    return settings.hasStaticKeys()
        ? StaticCredentialsProvider.create(
            AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
        : DefaultCredentialsProvider.builder().build();
  }

  /** Creates the bucket unless it exists. */
  @Override
  public Future<Void> prepare() {
    return vertx.executeBlocking(
        () -> {
          try {
            client.headBucket(b -> b.bucket(settings.bucket()));
            LOG.info("log bucket {} exists at {}", settings.bucket(), settings.endpoint());
          } catch (NoSuchBucketException e) {
            createBucket();
          } catch (S3Exception e) {
            if (e.statusCode() != 404) {
              throw e;
            }
            createBucket();
          }
          return null;
        },
        false);
  }

  private void createBucket() {
    try {
      client.createBucket(b -> b.bucket(settings.bucket()));
      LOG.info("created log bucket {} at {}", settings.bucket(), settings.endpoint());
    } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
      // Another stub created it meanwhile: fine.
    }
  }

  @Override
  public Future<Void> uploadPart(JobRequest request, int number, String text) {
    String key = LogParts.key(objectKey(request), number);
    return vertx.executeBlocking(
        () -> {
          client.putObject(
              b -> b.bucket(settings.bucket()).key(key).contentType("text/plain; charset=utf-8"),
              RequestBody.fromString(text, StandardCharsets.UTF_8));
          return null;
        },
        false);
  }

  @Override
  public Future<String> upload(JobRequest request, String log) {
    String key = objectKey(request);
    return vertx.executeBlocking(
        () -> {
          client.putObject(
              b -> b.bucket(settings.bucket()).key(key).contentType("text/plain; charset=utf-8"),
              RequestBody.fromString(log, StandardCharsets.UTF_8));
          return objectUrl(settings, key);
        },
        false);
  }

  /** The job's {@code log_path} without its leading slashes, or {@code logs/<request_id>.log}. */
  public static String objectKey(JobRequest request) {
    String path = request.logPath();
    if (path != null) {
      String key = path.replaceFirst("^/+", "");
      if (!key.isBlank()) {
        return key;
      }
    }
    return "logs/" + request.requestId() + ".log";
  }

  /**
   * The path-style URL of an object: endpoint, bucket and the key's segments, each percent-encoded.
   */
  public static String objectUrl(S3Settings settings, String key) {
    String encodedKey =
        Arrays.stream(key.split("/", -1))
            .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
            .collect(Collectors.joining("/"));
    return settings.endpoint() + "/" + settings.bucket() + "/" + encodedKey;
  }

  @Override
  public void close() {
    client.close();
  }
}
