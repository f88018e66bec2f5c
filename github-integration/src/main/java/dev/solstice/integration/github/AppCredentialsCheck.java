package dev.solstice.integration.github;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.ops.NextRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks GitHub whether it accepts the App's credentials ({@code GET /app} with the App JWT) at start
 * and every {@code interval}. A refusal (401, or 404 for an App that does not exist) makes the
 * credentials <em>known bad</em>: {@link #problem()} names {@code GITHUB_APP_ID} and {@code
 * GITHUB_APP_KEY_PATH} for {@code /health/ready}, it is logged once, the check is tried again with
 * a growing delay (capped at {@code interval}), and {@link #whenUsable()} holds the intake's work
 * until GitHub accepts them again, so nothing is parked for a credential problem. GitHub being
 * unreachable is not a credential problem: it leaves the last verdict standing (the calls
 * themselves retry).
 */
public final class AppCredentialsCheck {

  private static final Logger LOG = LoggerFactory.getLogger(AppCredentialsCheck.class);

  /** What the last answer said. */
  public enum State {
    UNKNOWN,
    VALID,
    INVALID
  }

  private final GitHubClient github;
  private final long appId;
  private final Duration interval;
  private final RetryPolicy backoff;
  private final NextRun next;
  private final List<Promise<Void>> waiting = new ArrayList<>();
  private volatile State state = State.UNKNOWN;
  private volatile String problem;
  private int refusals;

  /**
   * @param interval time between two checks while the credentials are accepted, and the longest
   *     wait between two while they are not
   */
  public AppCredentialsCheck(
      Vertx vertx, GitHubClient github, long appId, Duration interval, MeterRegistry registry) {
    this.next = new NextRun(vertx);
    this.github = github;
    this.appId = appId;
    this.interval = interval;
    Duration base =
        interval.compareTo(Duration.ofSeconds(5)) < 0 ? interval : Duration.ofSeconds(5);
    // The GitHub retry schedule's exponential ceilings (adr/0003), without jitter: 5s, 10s, ...
    this.backoff =
        new RetryPolicy(
            Integer.MAX_VALUE, base, interval, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    Gauge.builder(
            "solstice_github_app_credentials_valid", this, c -> c.state == State.INVALID ? 0 : 1)
        .description("0 while GitHub refuses GITHUB_APP_ID / GITHUB_APP_KEY_PATH, else 1")
        .register(registry);
  }

  /** Runs the first check now; later ones follow on their own. */
  public void start() {
    check();
  }

  public void stop() {
    next.stop();
  }

  public State state() {
    return state;
  }

  /** Why GitHub refuses the credentials, naming the variables to fix; null unless refused. */
  public String problem() {
    return state == State.INVALID ? problem : null;
  }

  /**
   * Completes at once unless the credentials are known bad; then when GitHub accepts them again.
   */
  public synchronized Future<Void> whenUsable() {
    if (state != State.INVALID) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.add(p);
    return p.future();
  }

  private void check() {
    github.verifyAppCredentials().onComplete(ar -> answered(ar.cause()));
  }

  private void answered(Throwable error) {
    List<Promise<Void>> release = List.of();
    Duration wait;
    synchronized (this) {
      if (next.stopped()) {
        return;
      }
      if (error == null) {
        if (state == State.INVALID) {
          LOG.info(
              "GitHub accepts the App credentials again (GITHUB_APP_ID={}); intake resumes", appId);
        }
        state = State.VALID;
        refusals = 0;
        release = new ArrayList<>(waiting);
        waiting.clear();
        wait = interval;
      } else if (error instanceof GitHubApiException.Unauthorized
          || error instanceof GitHubApiException.NotFound) {
        refusals++;
        problem =
            "GitHub refuses the App credentials: check GITHUB_APP_ID ("
                + appId
                + ") and GITHUB_APP_KEY_PATH (or GITHUB_APP_KEY): "
                + error.getMessage();
        if (state != State.INVALID) {
          // Once per episode, not once per retry.
          LOG.error(
              "{}. Webhooks are still accepted and wait in the intake queue; checking again with"
                  + " backoff (up to every {})",
              problem,
              interval);
        }
        state = State.INVALID;
        wait = backoff.backoffCeiling(refusals);
      } else {
        LOG.warn("could not check the App credentials with GitHub: {}", error.getMessage());
        wait = state == State.VALID ? interval : backoff.backoffCeiling(Math.max(1, refusals));
      }
      next.after(wait, this::check);
    }
    release.forEach(Promise::tryComplete);
  }
}
