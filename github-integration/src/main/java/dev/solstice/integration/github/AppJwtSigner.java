package dev.solstice.integration.github;

import io.jsonwebtoken.Jwts;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Signs the GitHub App JWT (RS256, jjwt). {@code iat} is 60 s in the past to tolerate clock drift,
 * {@code exp} 9 minutes after now (10 minutes after {@code iat}, GitHub's maximum), {@code iss} the
 * App id. A signed JWT is reused until one minute before it expires.
 */
public final class AppJwtSigner {
  static final Duration BACKDATE = Duration.ofSeconds(60);
  static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final Duration REUSE_MARGIN = Duration.ofMinutes(1);

  private final long appId;
  private final RSAPrivateKey key;
  private final Clock clock;
  private volatile Signed current;

  private record Signed(String jwt, Instant expiresAt) {}

  public AppJwtSigner(long appId, RSAPrivateKey key, Clock clock) {
    if (appId <= 0) {
      throw new IllegalArgumentException("appId must be positive");
    }
    this.appId = appId;
    this.key = Objects.requireNonNull(key, "key");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public long appId() {
    return appId;
  }

  /** A JWT valid now; the same string is returned while it has over a minute left. */
  public String jwt() {
    Instant now = clock.instant();
    Signed s = current;
    if (s == null || !s.expiresAt().minus(REUSE_MARGIN).isAfter(now)) {
      s = sign(now);
      current = s;
    }
    return s.jwt();
  }

  private Signed sign(Instant now) {
    Instant iat = now.minus(BACKDATE);
    Instant exp = iat.plus(LIFETIME);
    String jwt =
        Jwts.builder()
            .issuer(Long.toString(appId))
            .issuedAt(Date.from(iat))
            .expiration(Date.from(exp))
            .signWith(key, Jwts.SIG.RS256)
            .compact();
    return new Signed(jwt, exp);
  }

  @Override
  public String toString() {
    return "AppJwtSigner[appId=" + appId + "]";
  }
}
