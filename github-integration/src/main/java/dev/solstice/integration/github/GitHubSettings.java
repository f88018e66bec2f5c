package dev.solstice.integration.github;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *   <li>{@code GITHUB_TOKEN} optional static token, used only when the token exchange fails
 *       because the app is misconfigured or the installation is gone
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
 * Durations accept {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, a plain number of seconds
 * or ISO-8601 ({@code PT5M}).
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
    URI apiBase = apiBase(env, errors);
    long appId = positiveLong(env, "GITHUB_APP_ID", null, errors);
    RSAPrivateKey key = appKey(env, errors);
    String staticToken = blankToNull(env.get("GITHUB_TOKEN"));
    String redisUrl = blankToNull(env.get("REDIS_URL"));
    byte[] cacheKey = null;
    String rawCacheKey = blankToNull(env.get("TOKEN_CACHE_KEY"));
    if (rawCacheKey != null) {
      try {
        cacheKey = Base64.getDecoder().decode(rawCacheKey.trim());
        if (cacheKey.length != 32) {
          errors.add(
              "TOKEN_CACHE_KEY: expected base64 of 32 bytes (AES-256), got "
                  + cacheKey.length
                  + " bytes");
          cacheKey = null;
        }
      } catch (IllegalArgumentException e) {
        errors.add("TOKEN_CACHE_KEY: expected base64 of 32 bytes, the value is not base64");
      }
    } else if (redisUrl != null) {
      errors.add(
          "TOKEN_CACHE_KEY: required when REDIS_URL is set (tokens are encrypted at rest);"
              + " generate one with: openssl rand -base64 32");
    }
    if (redisUrl != null
        && !(redisUrl.startsWith("redis://")
            || redisUrl.startsWith("rediss://")
            || redisUrl.startsWith("unix://"))) {
      errors.add("REDIS_URL: expected redis://host:port[/db], got \"" + redactUrl(redisUrl) + "\"");
    }
    String prefix = env.getOrDefault("GITHUB_TOKEN_CACHE_PREFIX", "solstice:github:token:");

    RetryPolicy d = RetryPolicy.defaults();
    RetryPolicy retry =
        new RetryPolicy(
            (int) positiveLong(env, "GITHUB_MAX_ATTEMPTS", (long) d.maxAttempts(), errors),
            duration(env, "GITHUB_RETRY_BASE_DELAY", d.baseDelay(), errors),
            duration(env, "GITHUB_RETRY_MAX_DELAY", d.maxDelay(), errors),
            duration(env, "GITHUB_MAX_RATE_LIMIT_WAIT", d.maxRateLimitWait(), errors),
            d.secondaryDefaultWait(),
            duration(env, "GITHUB_REQUEST_TIMEOUT", d.requestTimeout(), errors));
    PacingPolicy p = PacingPolicy.defaults();
    PacingPolicy pacing =
        new PacingPolicy(
            (int) positiveLong(env, "GITHUB_WRITES_PER_MINUTE", (long) p.writesPerMinute(), errors),
            (int) positiveLong(env, "GITHUB_WRITES_PER_HOUR", (long) p.writesPerHour(), errors),
            duration(env, "GITHUB_WRITE_MIN_INTERVAL", p.minInterval(), errors),
            (int)
                positiveLong(
                    env, "GITHUB_MAX_CONCURRENT_READS", (long) p.maxConcurrentReads(), errors));
    Set<String> allowed = new TreeSet<>(WriteOperations.ALL);
    String allowList = blankToNull(env.get("GITHUB_ALLOWED_WRITES"));
    if (allowList != null) {
      allowed.clear();
      for (String op : allowList.split(",")) {
        String o = op.trim();
        if (o.isEmpty()) {
          continue;
        }
        if (!WriteOperations.ALL.contains(o)) {
          errors.add(
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
        retry,
        pacing,
        Set.copyOf(allowed));
  }

  private static URI apiBase(Map<String, String> env, List<String> errors) {
    String raw = env.getOrDefault("GITHUB_API_BASE", DEFAULT_API_BASE).trim();
    while (raw.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1);
    }
    try {
      URI uri = URI.create(raw);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null) {
        errors.add(
            "GITHUB_API_BASE: expected an http(s) URL such as https://api.github.com or"
                + " https://host/api/v3, got \""
                + raw
                + "\"");
        return null;
      }
      return uri;
    } catch (IllegalArgumentException e) {
      errors.add("GITHUB_API_BASE: not a URL: \"" + raw + "\"");
      return null;
    }
  }

  private static RSAPrivateKey appKey(Map<String, String> env, List<String> errors) {
    String path = blankToNull(env.get("GITHUB_APP_KEY_PATH"));
    String text = blankToNull(env.get("GITHUB_APP_KEY"));
    String variable;
    String pem;
    if (path != null) {
      variable = "GITHUB_APP_KEY_PATH";
      try {
        pem = Files.readString(Path.of(path), StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        errors.add(
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
      errors.add(
          "GITHUB_APP_KEY_PATH: required (or GITHUB_APP_KEY with the PEM text): the GitHub App"
              + " private key");
      return null;
    }
    try {
      return PrivateKeys.readRsaPrivateKey(pem);
    } catch (PrivateKeys.InvalidKeyException e) {
      errors.add(variable + ": not a usable RSA private key: " + e.getMessage());
      return null;
    }
  }

  private static long positiveLong(
      Map<String, String> env, String name, Long dflt, List<String> errors) {
    String raw = blankToNull(env.get(name));
    if (raw == null) {
      if (dflt == null) {
        errors.add(name + ": required, a positive integer");
        return 0;
      }
      return dflt;
    }
    try {
      long v = Long.parseLong(raw.trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    errors.add(name + ": expected a positive integer, got \"" + raw + "\"");
    return dflt == null ? 0 : dflt;
  }

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private static Duration duration(
      Map<String, String> env, String name, Duration dflt, List<String> errors) {
    String raw = blankToNull(env.get(name));
    if (raw == null) {
      return dflt;
    }
    String v = raw.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE_DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    }
    try {
      Duration d = Duration.parse(raw.trim());
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException ignored) {
      // reported below
    }
    errors.add(
        name + ": expected a duration such as 500ms, 30s, 5m or PT5M, got \"" + raw + "\"");
    return dflt;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static String redactUrl(String url) {
    if (url == null) {
      return null;
    }
    // redis://user:password@host -> redis://***@host
    return url.replaceAll("(?<=://)[^@/]*@", "***@");
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
        + (redisUrl == null ? "none" : redactUrl(redisUrl))
        + ", tokenCacheKey="
        + (tokenCacheKey == null ? "none" : "***")
        + ", tokenCachePrefix="
        + tokenCachePrefix
        + ", retryPolicy="
        + retryPolicy
        + ", pacing="
        + pacing
        + ", allowedWrites="
        + allowedWrites
        + "]";
  }
}
