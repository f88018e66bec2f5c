package dev.solstice.integration.gateway;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads GitHub's rate-limit signals off an answer (docs.github.com, "Rate limits for the REST
 * API"): a primary limit ({@code x-ratelimit-remaining: 0}, until {@code x-ratelimit-reset}) or a
 * secondary one (403 or 429 with {@code Retry-After}). Waits are computed against GitHub's {@code
 * Date} header, not this machine's clock, as hub4j's {@code GitHubRateLimitHandler} does.
 */
final class RateLimits {

  /** How long a 403/429 that says "rate limit" without a reset or Retry-After sets aside. */
  static final Duration UNSPECIFIED = Duration.ofMinutes(1);

  private RateLimits() {}

  /** {@code x-ratelimit-remaining}, when the answer carries one. */
  static OptionalLong remaining(MultiMap headers) {
    return number(headers.get("x-ratelimit-remaining"));
  }

  /**
   * Until when the credential that got this answer must not be used, or empty when it may go on.
   *
   * @param now this machine's clock, to which GitHub's wait is added
   */
  static Optional<Instant> limitedUntil(int status, MultiMap headers, Instant now) {
    boolean refused = status == 403 || status == 429;
    OptionalLong retryAfter = number(headers.get("retry-after"));
    if (refused && retryAfter.isPresent()) {
      return Optional.of(now.plusSeconds(Math.max(1, retryAfter.getAsLong())));
    }
    OptionalLong remaining = remaining(headers);
    if (remaining.isEmpty() || remaining.getAsLong() > 0) {
      return Optional.empty();
    }
    OptionalLong reset = number(headers.get("x-ratelimit-reset"));
    if (reset.isEmpty()) {
      return refused ? Optional.of(now.plus(UNSPECIFIED)) : Optional.empty();
    }
    Instant serverNow = serverDate(headers.get("date")).orElse(now);
    long wait = Math.max(1, reset.getAsLong() - serverNow.getEpochSecond());
    return Optional.of(now.plusSeconds(wait));
  }

  private static Optional<Instant> serverDate(String date) {
    if (date == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static OptionalLong number(String value) {
    if (value == null || !value.trim().matches("[0-9]{1,12}")) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(value.trim()));
  }
}
