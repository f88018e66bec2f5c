package dev.solstice.integration.jobtoken;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues, resolves and ends job tokens. A token is {@code sjt_} followed by 256 random bits
 * (SecureRandom, base64url); only its SHA-256 hash is stored. Thread-safe.
 */
public final class JobTokens {

  /** Every job token starts with this, so secret scanners and people can recognise one. */
  public static final String PREFIX = "sjt_";

  private static final int RANDOM_BYTES = 32;

  private final JobTokenStore store;
  private final JobTokenSettings settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public JobTokens(JobTokenStore store, JobTokenSettings settings, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  /** A token and when it ends at the latest. {@link #toString()} hides the token. */
  public record Issued(String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "Issued[token=***, expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * A new token for one job, valid for the job's timeout ({@code timeoutSeconds}, else the default)
   * plus the margin.
   */
  public Future<Issued> issue(
      UUID requestId,
      String repository,
      long installationId,
      Map<String, String> permissions,
      Integer timeoutSeconds) {
    Duration timeout =
        timeoutSeconds == null ? settings.defaultJobTimeout() : Duration.ofSeconds(timeoutSeconds);
    Instant expires = clock.instant().plus(timeout).plus(settings.margin());
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    JobGrant grant = new JobGrant(requestId, repository, installationId, permissions, expires);
    return store.put(hash(token), grant).map(new Issued(token, expires));
  }

  /** The grant of a presented token while it is valid; empty for unknown, ended or expired ones. */
  public Future<Optional<JobGrant>> resolve(String token) {
    if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
      return Future.succeededFuture(Optional.empty());
    }
    Instant now = clock.instant();
    return store.get(hash(token)).map(g -> g.filter(grant -> grant.validAt(now)));
  }

  /**
   * Why a presented job token is refused, for metrics: {@code malformed}, {@code unknown} (never
   * issued here, or long gone), {@code expired} (past its expiry, or ended with its job and the
   * grace); empty when it is valid.
   */
  public Future<Optional<String>> refusal(String token) {
    if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
      return Future.succeededFuture(Optional.of("malformed"));
    }
    Instant now = clock.instant();
    return store
        .get(hash(token))
        .map(
            g ->
                g.isEmpty()
                    ? Optional.of("unknown")
                    : g.get().validAt(now) ? Optional.<String>empty() : Optional.of("expired"));
  }

  /** The job's final result was processed: its token ends after the grace. */
  public Future<Boolean> finished(UUID requestId) {
    return store.endBy(requestId, clock.instant().plus(settings.grace()));
  }

  private static final java.util.regex.Pattern TOKEN_IN_TEXT =
      java.util.regex.Pattern.compile(PREFIX + "[A-Za-z0-9_-]+");

  /** {@code text} with every job token in it replaced by {@code sjt_***}; null stays null. */
  public static String redact(String text) {
    return text == null ? null : TOKEN_IN_TEXT.matcher(text).replaceAll(PREFIX + "***");
  }

  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
