package dev.solstice.integration.pages;

import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.Redaction;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The S3-compatible bucket the orchestrator uploads job logs to, read by the job pages. The same
 * {@code S3_*} variables as the orchestrator stub's; addressed path-style.
 *
 * @param accessKey null to use the AWS SDK's default credentials chain
 * @param secretKey null exactly when {@code accessKey} is; never logged
 */
public record LogBucket(
    URI endpoint, String bucket, String region, String accessKey, String secretKey) {

  /** The bucket of {@code S3_ENDPOINT}, {@code S3_BUCKET}...; null when S3_ENDPOINT is unset. */
  static LogBucket fromEnv(EnvReader in) {
    Optional<URI> endpoint = in.hostUri("S3_ENDPOINT", "http", "https");
    String bucket = in.string("S3_BUCKET", "solstice-logs");
    String region = in.string("S3_REGION", "us-east-1").toLowerCase(Locale.ROOT);
    String accessKey = in.raw("S3_ACCESS_KEY");
    String secretKey = in.raw("S3_SECRET_KEY");
    in.require(
        (accessKey == null) == (secretKey == null),
        "S3_ACCESS_KEY, S3_SECRET_KEY: set both or neither (neither uses the AWS default credentials chain)");
    return endpoint
        .map(uri -> new LogBucket(uri, bucket, region, accessKey, secretKey))
        .orElse(null);
  }

  @Override
  public String toString() {
    return "LogBucket[endpoint="
        + Redaction.password(endpoint.toString())
        + ", bucket="
        + bucket
        + ", region="
        + region
        + ", credentials="
        + (accessKey != null
            ? "S3_ACCESS_KEY " + accessKey + " (secret redacted)"
            : "default chain")
        + "]";
  }
}
