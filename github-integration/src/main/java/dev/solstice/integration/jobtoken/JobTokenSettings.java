package dev.solstice.integration.jobtoken;

import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.ListenAddress;
import java.net.URI;
import java.time.Duration;

/**
 * Issue 13: the gateway and its job tokens ({@code docs/gateway.md}).
 *
 * @param host the gateway's listen host
 * @param port the gateway's listen port (0: any free one)
 * @param publicUrl the base URL jobs are given ({@code GATEWAY_URL}); null to derive it from the
 *     bound address
 * @param uploadsBase GitHub's uploads host ({@code GITHUB_UPLOADS_BASE})
 * @param maxBodyBytes largest request body the gateway forwards; larger is 413
 * @param grace how long a job token keeps working after the job's final result was processed
 * @param margin added to the job's timeout for the token's longest life
 * @param defaultJobTimeout the timeout assumed for a job that names none
 * @param cacheTtl how long after GitHub last confirmed a cached answer a client's own matching
 *     {@code If-None-Match} is answered 304 by the gateway itself; zero: always asked upstream
 * @param clientsFile the client registry ({@code GATEWAY_CLIENTS_FILE}); null: job tokens only
 * @param pool the extra Apps and PATs registry clients' requests may go with
 */
public record JobTokenSettings(
    String host,
    int port,
    URI publicUrl,
    URI uploadsBase,
    long maxBodyBytes,
    Duration grace,
    Duration margin,
    Duration defaultJobTimeout,
    Duration cacheTtl,
    java.nio.file.Path clientsFile,
    PoolSettings pool) {

  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);
  public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(10);
  public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofHours(6);
  public static final long DEFAULT_MAX_BODY_BYTES = 100L * 1024 * 1024;

  /**
   * The gateway's settings, or null when {@code GATEWAY_ADDR} is unset (no gateway, no job tokens).
   *
   * @param apiBase GitHub's API base, from which the uploads host is derived
   */
  public static JobTokenSettings fromEnv(EnvReader in, URI apiBase) {
    String addr = in.raw("GATEWAY_ADDR");
    URI uploads = in.uri("GITHUB_UPLOADS_BASE", uploadsFor(apiBase), "http", "https");
    URI url = in.hostUri("GATEWAY_URL", "http", "https").orElse(null);
    long maxBody = in.positiveLong("GATEWAY_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES);
    Duration grace = in.duration("GATEWAY_TOKEN_GRACE", DEFAULT_GRACE);
    Duration margin = in.duration("GATEWAY_TOKEN_MARGIN", DEFAULT_MARGIN);
    Duration timeout = in.positiveDuration("GATEWAY_DEFAULT_JOB_TIMEOUT", DEFAULT_JOB_TIMEOUT);
    Duration cacheTtl = in.duration("GATEWAY_CACHE_TTL", Duration.ZERO);
    String clients = in.raw("GATEWAY_CLIENTS_FILE");
    java.nio.file.Path clientsFile = clients == null ? null : java.nio.file.Path.of(clients);
    PoolSettings pool = addr == null ? PoolSettings.NONE : PoolSettings.fromEnv(in);
    if (addr == null) {
      return null;
    }
    if (apiBase == null) {
      if (in.raw("GITHUB_APP_ID") != null) {
        return null; // the App's own settings are at fault and reported
      }
      in.error(
          "GATEWAY_ADDR: the gateway needs a GitHub App (GITHUB_APP_ID, GITHUB_APP_KEY_PATH) to mint"
              + " its tokens");
      return null;
    }
    return ListenAddress.parse(addr)
        .map(
            l ->
                new JobTokenSettings(
                    l.host(),
                    l.port(),
                    url,
                    uploads,
                    maxBody,
                    grace,
                    margin,
                    timeout,
                    cacheTtl,
                    clientsFile,
                    pool))
        .orElseGet(
            () -> {
              in.error("GATEWAY_ADDR: " + ListenAddress.EXPECTED + ", got \"" + addr + "\"");
              return null;
            });
  }

  /**
   * GitHub's uploads host for an API base: {@code https://uploads.github.com} for github.com,
   * {@code https://<host>/api/uploads} for Enterprise Server ({@code https://<host>/api/v3}).
   */
  static String uploadsFor(URI apiBase) {
    if (apiBase == null || "api.github.com".equalsIgnoreCase(apiBase.getHost())) {
      return "https://uploads.github.com";
    }
    String base = apiBase.toString().replaceAll("/+$", "");
    return base.endsWith("/api/v3")
        ? base.substring(0, base.length() - "/v3".length()) + "/uploads"
        : base;
  }
}
