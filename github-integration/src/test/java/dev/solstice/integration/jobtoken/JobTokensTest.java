package dev.solstice.integration.jobtoken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.github.MutableClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobTokensTest {

  private final MutableClock clock = new MutableClock();

  /** Grace 30 s, margin 10 min, default job timeout 1 h. */
  static JobTokenSettings settings() {
    return new JobTokenSettings(
        "127.0.0.1",
        0,
        null,
        null,
        1024,
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        Duration.ofHours(1),
        Duration.ZERO,
        null,
        PoolSettings.NONE);
  }

  private final JobTokenSettings settings = settings();
  private final InMemoryJobTokenStore store = new InMemoryJobTokenStore(clock);
  private final JobTokens tokens = new JobTokens(store, settings, clock);
  private final UUID job = UUID.randomUUID();

  private JobTokens.Issued issue(Integer timeoutSeconds) {
    return tokens.issue(job, "octo/hello", 7, Map.of("contents", "read"), timeoutSeconds).await();
  }

  @Test
  void issuedTokensAreRandomOpaqueAndStoredOnlyAsAHash() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String t = issue(60).token();
      assertThat(t).startsWith("sjt_").hasSize(4 + 43); // 256 bits, base64url
      assertThat(seen.add(t)).isTrue();
      assertThat(store.get(t).await()).isEmpty();
      assertThat(store.get(JobTokens.hash(t)).await()).isPresent();
    }
    assertThat(issue(60).toString()).doesNotContain("sjt_");
  }

  @Test
  void aTokenResolvesToItsGrantUntilTheJobTimeoutPlusTheMargin() {
    JobTokens.Issued issued = issue(600);
    JobGrant grant = tokens.resolve(issued.token()).await().orElseThrow();
    assertThat(grant.repository()).isEqualTo("octo/hello");
    assertThat(grant.installationId()).isEqualTo(7);
    assertThat(grant.requestId()).isEqualTo(job);
    assertThat(grant.expiresAt()).isEqualTo(issued.expiresAt());
    assertThat(Duration.between(clock.instant(), issued.expiresAt()))
        .isBetween(Duration.ofMinutes(19), Duration.ofMinutes(20));
    clock.advance(Duration.ofMinutes(19));
    assertThat(tokens.resolve(issued.token()).await()).isPresent();
    clock.advance(Duration.ofMinutes(2));
    assertThat(tokens.resolve(issued.token()).await()).isEmpty();
  }

  @Test
  void aJobWithoutTimeoutGetsTheDefault() {
    java.time.Instant before = clock.instant();
    java.time.Instant expires = issue(null).expiresAt();
    assertThat(expires)
        .isBetween(
            before.plus(Duration.ofMinutes(70)), clock.instant().plus(Duration.ofMinutes(70)));
  }

  @Test
  void theFinalResultEndsTheTokenAfterTheGraceAndEveryCopyOfAReplayedJob() {
    JobTokens.Issued first = issue(3600);
    JobTokens.Issued replayed = issue(3600);
    assertThat(tokens.finished(job).await()).isTrue();
    clock.advance(Duration.ofSeconds(29));
    assertThat(tokens.resolve(first.token()).await()).isPresent();
    clock.advance(Duration.ofSeconds(2));
    assertThat(tokens.resolve(first.token()).await()).isEmpty();
    assertThat(tokens.resolve(replayed.token()).await()).isEmpty();
  }

  @Test
  void forgedOrMalformedTokensResolveToNothing() {
    issue(60);
    assertThat(tokens.resolve("sjt_" + "A".repeat(43)).await()).isEmpty();
    assertThat(tokens.resolve("ghs_notours").await()).isEmpty();
    assertThat(tokens.resolve(null).await()).isEmpty();
    assertThat(tokens.resolve("sjt_" + "x".repeat(500)).await()).isEmpty();
  }

  @Test
  void grantsAllowReadWithWriteButNotTheReverse() {
    JobGrant g =
        new JobGrant(job, "o/r", 1, Map.of("contents", "write", "issues", "read"), clock.instant());
    assertThat(g.allows("contents", "read")).isTrue();
    assertThat(g.allows("issues", "read")).isTrue();
    assertThat(g.allows("issues", "write")).isFalse();
    assertThat(g.allows("checks", "read")).isFalse();
  }

  @Test
  void redactHidesEveryJobTokenInAText() {
    String t = issue(60).token();
    assertThat(JobTokens.redact("parked: {\"token\":\"" + t + "\"}"))
        .isEqualTo("parked: {\"token\":\"sjt_***\"}");
  }

  @Test
  void uploadsHostIsDerivedForGitHubAndEnterpriseServer() {
    assertThat(JobTokenSettings.uploadsFor(java.net.URI.create("https://api.github.com")))
        .isEqualTo("https://uploads.github.com");
    assertThat(JobTokenSettings.uploadsFor(java.net.URI.create("https://ghe.example/api/v3/")))
        .isEqualTo("https://ghe.example/api/uploads");
  }
}
