package dev.solstice.platform.config;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where job logs go: an S3-compatible service addressed path-style. The orchestrator stub uploads
 * there, the service's job pages (issue 16) read from there; both read the same {@code S3_*}
 * variables.
 *
 * @param endpoint base URL of the service, e.g. {@code http://127.0.0.1:9000}; object URLs are
 *     built on it
 * @param accessKey null to use the AWS SDK's default credentials chain
 * @param secretKey null exactly when {@code accessKey} is; never logged
 */
public record S3Settings(
    URI endpoint, String bucket, String region, String accessKey, String secretKey) {

  public static final String DEFAULT_BUCKET = "solstice-logs";
  public static final String DEFAULT_REGION = "us-east-1";
  // S3's bucket naming rules, loosely: S3-compatible servers differ in the details.
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Reads the S3 variables; empty when {@code S3_ENDPOINT} is unset (uploads disabled). */
  public static S3Settings read(EnvReader in) {
    Optional<URI> endpoint = in.hostUri("S3_ENDPOINT", "http", "https");
    String bucket = in.string("S3_BUCKET", DEFAULT_BUCKET);
    in.require(
        BUCKET.matcher(bucket).matches(),
        "S3_BUCKET: expected 3-63 lowercase letters, digits, dots or hyphens, got \""
            + bucket
            + "\"");
    String region = in.string("S3_REGION", DEFAULT_REGION);
    String accessKey = in.raw("S3_ACCESS_KEY");
    String secretKey = in.raw("S3_SECRET_KEY");
    in.require(
        (accessKey == null) == (secretKey == null),
        "S3_ACCESS_KEY, S3_SECRET_KEY: set both or neither (neither uses the AWS default credentials chain)");
    return endpoint
        .map(
            uri ->
                new S3Settings(
                    withoutTrailingSlash(uri),
                    bucket,
                    region.toLowerCase(Locale.ROOT),
                    accessKey,
                    secretKey))
        .orElse(null);
  }

  /** Whether static keys were configured rather than the SDK's default chain. */
  public boolean hasStaticKeys() {
    return accessKey != null;
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + Redaction.password(endpoint.toString())
        + ", bucket="
        + bucket
        + ", region="
        + region
        + ", credentials="
        + (hasStaticKeys() ? "S3_ACCESS_KEY " + accessKey + " (secret redacted)" : "default chain")
        + "]";
  }

  private static URI withoutTrailingSlash(URI uri) {
    String text = uri.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
  }
}
