package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.GitHubApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
  static final Instant LOCAL_NOW = Instant.parse("2026-03-01T10:00:00Z");

  GitHubApiException classify(int status, String message, String... headers) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    Buffer body = new JsonObject().put("message", message).toBuffer();
    return ErrorClassifier.classify(
        new GitHubTransport.Response(status, h, body), "GET", "/x", 5, LOCAL_NOW);
  }

  @Test
  void primaryRateLimitUsesResetAgainstServerDate() {
    // GitHub's clock is 2 hours ahead of ours; the reset is 30 s after GitHub's "now".
    long serverNow = Instant.parse("2026-03-01T12:00:00Z").getEpochSecond();
    GitHubApiException e =
        classify(
            403,
            "API rate limit exceeded",
            "x-ratelimit-remaining",
            "0",
            "x-ratelimit-reset",
            Long.toString(serverNow + 30),
            "date",
            "Sun, 01 Mar 2026 12:00:00 GMT");
    assertThat(e).isInstanceOf(GitHubApiException.RateLimited.Primary.class);
    assertThat(((GitHubApiException.RateLimited) e).retryAt()).contains(LOCAL_NOW.plusSeconds(30));
    assertThat(e.retryable()).isTrue();
    assertThat(classify(429, "x", "x-ratelimit-remaining", "0"))
        .isInstanceOf(GitHubApiException.RateLimited.Primary.class);
  }

  @Test
  void secondaryRateLimits() {
    GitHubApiException withHeader = classify(403, "whatever", "retry-after", "17");
    assertThat(withHeader).isInstanceOf(GitHubApiException.RateLimited.Secondary.class);
    assertThat(((GitHubApiException.RateLimited) withHeader).retryAt())
        .contains(LOCAL_NOW.plusSeconds(17));
    GitHubApiException byMessage =
        classify(403, "You have exceeded a secondary rate limit. Please wait.");
    assertThat(byMessage).isInstanceOf(GitHubApiException.RateLimited.Secondary.class);
    assertThat(((GitHubApiException.RateLimited) byMessage).retryAt()).isEmpty();
    assertThat(classify(429, "slow down"))
        .isInstanceOf(GitHubApiException.RateLimited.Secondary.class);
  }

  @Test
  void serverErrorCarriesRetryAfterInSeconds() {
    GitHubApiException e = classify(503, "unavailable", "retry-after", "7");
    assertThat(e).isInstanceOf(GitHubApiException.Transient.class);
    assertThat(((GitHubApiException.Transient) e).retryAt()).contains(LOCAL_NOW.plusSeconds(7));
    assertThat(((GitHubApiException.Transient) classify(502, "bad gateway")).retryAt()).isEmpty();
  }

  @Test
  void retryAfterAsAnHttpDateIsMeasuredAgainstGitHubsDate() {
    // GitHub's clock is 2 hours ahead of ours; it asks us to come back 45 s after its "now".
    String[] headers = {
      "retry-after", "Sun, 01 Mar 2026 12:00:45 GMT", "date", "Sun, 01 Mar 2026 12:00:00 GMT"
    };
    GitHubApiException transientOne = classify(503, "unavailable", headers);
    assertThat(((GitHubApiException.Transient) transientOne).retryAt())
        .contains(LOCAL_NOW.plusSeconds(45));
    GitHubApiException secondary = classify(403, "slow down", headers);
    assertThat(secondary).isInstanceOf(GitHubApiException.RateLimited.Secondary.class);
    assertThat(((GitHubApiException.RateLimited) secondary).retryAt())
        .as("not the 60 s an unreadable value used to become")
        .contains(LOCAL_NOW.plusSeconds(45));
    // Without GitHub's Date, against our clock; a date in the past means now.
    assertThat(
            ((GitHubApiException.Transient)
                    classify(503, "x", "retry-after", "Sun, 01 Mar 2026 10:00:20 GMT"))
                .retryAt())
        .contains(LOCAL_NOW.plusSeconds(20));
    assertThat(
            ((GitHubApiException.Transient)
                    classify(503, "x", "retry-after", "Sun, 01 Mar 2026 09:00:00 GMT"))
                .retryAt())
        .contains(LOCAL_NOW);
  }

  @Test
  void unreadableRetryAfterFallsBackToTheDefaultWait() {
    assertThat(((GitHubApiException.Transient) classify(503, "x", "retry-after", "soon")).retryAt())
        .isEmpty();
    assertThat(((GitHubApiException.Transient) classify(503, "x", "retry-after", "-5")).retryAt())
        .isEmpty();
    GitHubApiException secondary = classify(403, "slow down", "retry-after", "tomorrow");
    assertThat(secondary).isInstanceOf(GitHubApiException.RateLimited.Secondary.class);
    assertThat(((GitHubApiException.RateLimited) secondary).retryAt()).isEmpty();
  }

  @Test
  void otherStatuses() {
    assertThat(
            classify(
                403, "Resource not accessible by integration", "x-ratelimit-remaining", "4000"))
        .isInstanceOf(GitHubApiException.PermissionDenied.class)
        .hasMessageContaining("Resource not accessible by integration")
        .hasMessageContaining("installation 5");
    assertThat(classify(401, "Bad credentials"))
        .isInstanceOf(GitHubApiException.Unauthorized.class);
    assertThat(classify(404, "Not Found")).isInstanceOf(GitHubApiException.NotFound.class);
    assertThat(classify(422, "Invalid request"))
        .isInstanceOf(GitHubApiException.ValidationFailed.class);
    assertThat(classify(500, "boom")).isInstanceOf(GitHubApiException.Transient.class);
    assertThat(classify(504, "")).isInstanceOf(GitHubApiException.Transient.class);
    assertThat(classify(409, "conflict")).isInstanceOf(GitHubApiException.Rejected.class);
    for (int s : new int[] {401, 403, 404, 409, 422}) {
      assertThat(classify(s, "m").retryable()).as("status %d", s).isFalse();
    }
  }

  @Test
  void retryPolicyBacksOffExponentiallyWithFullJitter() {
    RetryPolicy p = ClientFixture.fastRetries(); // base 5 ms, cap 20 ms
    assertThat(p.backoffCeiling(1).toMillis()).isEqualTo(5);
    assertThat(p.backoffCeiling(2).toMillis()).isEqualTo(10);
    assertThat(p.backoffCeiling(3).toMillis()).isEqualTo(20);
    assertThat(p.backoffCeiling(40).toMillis()).isEqualTo(20);
    assertThat(p.backoff(2, 0.0).toMillis()).isZero();
    assertThat(p.backoff(2, 0.5).toMillis()).isEqualTo(5);
    assertThat(RetryPolicy.defaults().backoffCeiling(4).toMillis()).isEqualTo(4000);
  }
}
