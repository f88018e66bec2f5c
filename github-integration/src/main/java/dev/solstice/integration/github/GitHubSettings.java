package dev.solstice.integration.github;

import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.Redaction;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * GitHub client configuration, read from the environment by {@link #fromEnv}.
 *
 * <p>Variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code GITHUB_API_BASE} [https://api.github.com]; GHES: {@code https://host/api/v3}
 *   <li>{@code GITHUB_APP_ID} (required, positive integer)
 *   <li>{@code GITHUB_APP_KEY_PATH} or {@code GITHUB_APP_KEY} (PEM text, {@code \n}-escaped PEM or
 *       base64 of the PEM), one required; PKCS#1 or PKCS#8
 *   <li>{@code GITHUB_TOKEN} optional static token, used only when the token exchange fails because
 *       the app is misconfigured or the installation is gone
 *   <li>{@code REDIS_URL} optional, shares the installation token cache between replicas
 *   <li>{@code TOKEN_CACHE_KEY} base64 of 32 bytes (AES-256-GCM), required with {@code REDIS_URL}
 *   <li>{@code GITHUB_TOKEN_CACHE_PREFIX} [solstice:github:token:]
 *   <li>{@code GITHUB_MAX_RATE_LIMIT_WAIT} [5m], {@code GITHUB_MAX_ATTEMPTS} [5], {@code
 *       GITHUB_RETRY_BASE_DELAY} [500ms], {@code GITHUB_RETRY_MAX_DELAY} [30s], {@code
 *       GITHUB_REQUEST_TIMEOUT} [15s]
 *   <li>{@code GITHUB_WRITES_PER_MINUTE} [80], {@code GITHUB_WRITES_PER_HOUR} [500], {@code
 *       GITHUB_WRITE_MIN_INTERVAL} [0ms], {@code GITHUB_MAX_CONCURRENT_READS} [16]
 *   <li>{@code GITHUB_ALLOWED_WRITES} [all]: comma-separated write operations allowed, by GitHub
 *       operation id (e.g. {@code checks/create,checks/update})
 * </ul>
 *
 * Durations take the one syntax of {@link dev.solstice.platform.config.Durations}: {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, a plain number of seconds or ISO-8601 ({@code
 * PT5M}).
 *
 * <p>{@link #toString()} redacts the key, the static token, the cache key and Redis credentials.
 */
public record GitHubSettings(
    URI apiBase,
    long appId,
    RSAPrivateKey appKey,
    String staticToken,
    String redisUrl,
    byte[] tokenCacheKey,
    String tokenCachePrefix,
    String writeBudgetPrefix,
    RetryPolicy retryPolicy,
    PacingPolicy pacing,
    Set<String> allowedWrites) {

  public static final String DEFAULT_API_BASE = "https://api.github.com";

  /**
   * Reads the variables; appends one message per problem (naming the variable) to {@code errors}
   * instead of throwing. Returns null when anything was wrong.
   */
  public static GitHubSettings fromEnv(Map<String, String> env, List<String> errors) {
    int before = errors.size();
    EnvReader in = new EnvReader(env, errors);
    URI apiBase = apiBase(in);
    long appId = in.positiveLong("GITHUB_APP_ID", null);
    RSAPrivateKey key = appKey(in);
    String staticToken = in.raw("GITHUB_TOKEN");
    // REDIS_URL itself is validated once, by AppConfig.
    String redisUrl = in.raw("REDIS_URL");
    byte[] cacheKey = null;
    String rawCacheKey = in.raw("TOKEN_CACHE_KEY");
    if (rawCacheKey != null) {
      try {
        cacheKey = Base64.getDecoder().decode(rawCacheKey);
        if (cacheKey.length != 32) {
          in.error(
              "TOKEN_CACHE_KEY: expected base64 of 32 bytes (AES-256), got "
                  + cacheKey.length
                  + " bytes");
          cacheKey = null;
        }
      } catch (IllegalArgumentException e) {
        in.error("TOKEN_CACHE_KEY: expected base64 of 32 bytes, the value is not base64");
      }
    } else if (redisUrl != null) {
      in.error(
          "TOKEN_CACHE_KEY: required when REDIS_URL is set (tokens are encrypted at rest);"
              + " generate one with: openssl rand -base64 32");
    }
    String prefix = in.string("GITHUB_TOKEN_CACHE_PREFIX", "solstice:github:token:");
    String budgetPrefix = in.string("GITHUB_WRITE_BUDGET_PREFIX", "solstice:github:budget:");

    RetryPolicy d = RetryPolicy.defaults();
    RetryPolicy retry =
        new RetryPolicy(
            (int) in.positiveLong("GITHUB_MAX_ATTEMPTS", (long) d.maxAttempts()),
            in.duration("GITHUB_RETRY_BASE_DELAY", d.baseDelay()),
            in.duration("GITHUB_RETRY_MAX_DELAY", d.maxDelay()),
            in.duration("GITHUB_MAX_RATE_LIMIT_WAIT", d.maxRateLimitWait()),
            d.secondaryDefaultWait(),
            in.duration("GITHUB_REQUEST_TIMEOUT", d.requestTimeout()));
    PacingPolicy p = PacingPolicy.defaults();
    PacingPolicy pacing =
        new PacingPolicy(
            (int) in.positiveLong("GITHUB_WRITES_PER_MINUTE", (long) p.writesPerMinute()),
            (int) in.positiveLong("GITHUB_WRITES_PER_HOUR", (long) p.writesPerHour()),
            in.duration("GITHUB_WRITE_MIN_INTERVAL", p.minInterval()),
            (int) in.positiveLong("GITHUB_MAX_CONCURRENT_READS", (long) p.maxConcurrentReads()));
    Set<String> allowed = new TreeSet<>(WriteOperations.ALL);
    String allowList = in.raw("GITHUB_ALLOWED_WRITES");
    if (allowList != null) {
      allowed.clear();
      for (String o : in.list("GITHUB_ALLOWED_WRITES")) {
        if (!WriteOperations.ALL.contains(o)) {
          in.error(
              "GITHUB_ALLOWED_WRITES: unknown write operation \""
                  + o
                  + "\", known: "
                  + String.join(",", new TreeSet<>(WriteOperations.ALL)));
        }
        allowed.add(o);
      }
    }
    if (errors.size() > before) {
      return null;
    }
    return new GitHubSettings(
        apiBase,
        appId,
        key,
        staticToken,
        redisUrl,
        cacheKey,
        prefix,
        budgetPrefix,
        retry,
        pacing,
        Set.copyOf(allowed));
  }

  private static URI apiBase(EnvReader in) {
    String raw = in.string("GITHUB_API_BASE", DEFAULT_API_BASE);
    while (raw.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1);
    }
    try {
      URI uri = URI.create(raw);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null) {
        in.error(
            "GITHUB_API_BASE: expected an http(s) URL such as https://api.github.com or"
                + " https://host/api/v3, got \""
                + raw
                + "\"");
        return null;
      }
      return uri;
    } catch (IllegalArgumentException e) {
      in.error("GITHUB_API_BASE: not a URL: \"" + raw + "\"");
      return null;
    }
  }

  private static RSAPrivateKey appKey(EnvReader in) {
    String path = in.raw("GITHUB_APP_KEY_PATH");
    String text = in.raw("GITHUB_APP_KEY");
    String variable;
    String pem;
    if (path != null) {
      variable = "GITHUB_APP_KEY_PATH";
      try {
        pem = Files.readString(Path.of(path), StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        in.error(
            "GITHUB_APP_KEY_PATH: cannot read \""
                + path
                + "\" ("
                + e.getClass().getSimpleName()
                + ")");
        return null;
      }
    } else if (text != null) {
      variable = "GITHUB_APP_KEY";
      // Some secret stores flatten newlines into "\n", others hold the PEM base64-encoded.
      pem = text.replace("\\n", "\n");
      if (!pem.contains("-----BEGIN")) {
        try {
          pem = new String(Base64.getMimeDecoder().decode(pem.trim()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException notBase64) {
          // reported as "no PEM block found" below
        }
      }
    } else {
      in.error(
          "GITHUB_APP_KEY_PATH: required (or GITHUB_APP_KEY with the PEM text): the GitHub App"
              + " private key");
      return null;
    }
    try {
      return PrivateKeys.readRsaPrivateKey(pem);
    } catch (PrivateKeys.InvalidKeyException e) {
      in.error(variable + ": not a usable RSA private key: " + e.getMessage());
      return null;
    }
  }

  /** Whether Redis should back the token cache. */
  public boolean sharedTokenCache() {
    return redisUrl != null && tokenCacheKey != null;
  }

  @Override
  public String toString() {
    return "GitHubSettings[apiBase="
        + apiBase
        + ", appId="
        + appId
        + ", appKey="
        + (appKey == null ? "none" : "***")
        + ", staticToken="
        + (staticToken == null ? "none" : "***")
        + ", redisUrl="
        + (redisUrl == null ? "none" : Redaction.userInfo(redisUrl))
        + ", tokenCacheKey="
        + (tokenCacheKey == null ? "none" : "***")
        + ", tokenCachePrefix="
        + tokenCachePrefix
        + ", writeBudgetPrefix="
        + writeBudgetPrefix
        + ", retryPolicy="
        + retryPolicy
        + ", pacing="
        + pacing
        + ", allowedWrites="
        + allowedWrites
        + "]";
  }
}
