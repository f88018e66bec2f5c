package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.TestKeys;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AppJwtSignerTest {
  static final KeyPair KEYS = TestKeys.generate();

  @Test
  void rs256WithBackdatedIatAndTenMinuteLifetime() throws Exception {
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    AppJwtSigner signer =
        new AppJwtSigner(
            99,
            PrivateKeys.readRsaPrivateKey(TestKeys.pkcs1Pem(KEYS)),
            Clock.fixed(now, ZoneOffset.UTC));
    String jwt = signer.jwt();
    Jws<Claims> parsed =
        Jwts.parser()
            .clock(() -> java.util.Date.from(now))
            .verifyWith(TestKeys.publicKey(KEYS))
            .build()
            .parseSignedClaims(jwt);
    assertThat(parsed.getHeader().getAlgorithm()).isEqualTo("RS256");
    Claims c = parsed.getPayload();
    assertThat(c.getIssuer()).isEqualTo("99");
    assertThat(c.getIssuedAt().toInstant()).isEqualTo(now.minusSeconds(60));
    assertThat(Duration.between(c.getIssuedAt().toInstant(), c.getExpiration().toInstant()))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(signer.jwt()).isEqualTo(jwt); // reused while fresh
    assertThat(signer.toString()).doesNotContain(jwt);
  }

  @Test
  void pkcs1AndPkcs8ReadToTheSameKey() throws Exception {
    var a = PrivateKeys.readRsaPrivateKey(TestKeys.pkcs1Pem(KEYS));
    var b = PrivateKeys.readRsaPrivateKey(TestKeys.pkcs8Pem(KEYS));
    assertThat(TestKeys.pkcs1Pem(KEYS)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(TestKeys.pkcs8Pem(KEYS)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(a.getModulus()).isEqualTo(b.getModulus());
    assertThat(a.getPrivateExponent()).isEqualTo(b.getPrivateExponent());
  }
}
