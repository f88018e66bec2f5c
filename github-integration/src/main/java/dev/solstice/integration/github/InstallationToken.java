package dev.solstice.integration.github;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An installation access token. {@link #toString()} never shows the token so it cannot reach a log
 * line by accident.
 *
 * @param token the secret
 * @param expiresAt when GitHub stops accepting it ({@link Instant#MAX} for the static fallback)
 * @param source whether it was minted for an installation or is the configured static token
 */
public record InstallationToken(String token, Instant expiresAt, Source source) {
  public enum Source {
    MINTED,
    STATIC_FALLBACK
  }

  public InstallationToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(source, "source");
  }

  /** True while more than {@code margin} of lifetime remains at {@code now}. */
  public boolean usableAt(Instant now, Duration margin) {
    return expiresAt.minus(margin).isAfter(now);
  }

  @Override
  public String toString() {
    return "InstallationToken[token=***, expiresAt=" + expiresAt + ", source=" + source + "]";
  }
}
