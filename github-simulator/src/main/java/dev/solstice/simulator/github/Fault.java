package dev.solstice.simulator.github;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A fault the {@link GitHubSimulator} injects into the next matching requests. Faults match every
 * request unless narrowed with {@link #on}; each applies {@link #times} times (default once).
 *
 * <pre>{@code
 * sim.inject(Fault.status(502).times(2).on("GET", "/repos/.+/contents/.+"));
 * sim.inject(Fault.secondaryRateLimit(Duration.ofSeconds(1)));
 * sim.inject(Fault.status(503).retryAfter(Duration.ofSeconds(2)));
 * sim.inject(Fault.status(503).retryAfterDate(Duration.ofSeconds(2)));
 * }</pre>
 */
public final class Fault {
  public enum Kind {
    LATENCY,
    STATUS,
    PRIMARY_RATE_LIMIT,
    SECONDARY_RATE_LIMIT,
    SECONDARY_MESSAGE_ONLY,
    TIMEOUT,
    RESET,
    LOST_RESPONSE
  }

  private final Answer answer;
  private final Target target;
  private final AtomicInteger remaining;

  /**
   * A {@code retry-after} header on a {@link Kind#STATUS} answer, in either form RFC 9110 allows.
   *
   * @param delay how long the client is asked to wait
   * @param httpDate true for the HTTP-date form (now + delay on the simulator's clock), false for
   *     whole seconds
   */
  public record RetryAfter(Duration delay, boolean httpDate) {}

  /** What the simulator answers instead of the real answer. */
  private record Answer(Kind kind, int status, Duration duration, RetryAfter retryAfter) {
    Answer withRetryAfter(Duration delay, boolean httpDate) {
      return new Answer(kind, status, duration, new RetryAfter(delay, httpDate));
    }
  }

  /** Which requests a fault applies to: this method (null for any), a path matching the regex. */
  private record Target(String method, Pattern path) {
    static final Target ANY = new Target(null, null);

    boolean matches(String m, String p) {
      return (method == null || method.equalsIgnoreCase(m))
          && (path == null || path.matcher(p).matches());
    }
  }

  private Fault(Answer answer, Target target, int times) {
    this.answer = answer;
    this.target = target;
    this.remaining = new AtomicInteger(times);
  }

  /** A fault on every request, once. */
  private static Fault of(Kind kind, int status, Duration duration) {
    return new Fault(new Answer(kind, status, duration, null), Target.ANY, 1);
  }

  /** Delays the answer; combines with other faults. */
  public static Fault latency(Duration delay) {
    return of(Kind.LATENCY, 0, delay);
  }

  /** Answers with this status and GitHub's error body (e.g. 502, 503). */
  public static Fault status(int status) {
    return of(Kind.STATUS, status, Duration.ZERO);
  }

  /** 403 with {@code x-ratelimit-remaining: 0} and {@code x-ratelimit-reset} now + resetIn. */
  public static Fault primaryRateLimit(Duration resetIn) {
    return of(Kind.PRIMARY_RATE_LIMIT, 403, resetIn);
  }

  /** 403 with {@code retry-after} (whole seconds) and GitHub's secondary-limit message. */
  public static Fault secondaryRateLimit(Duration retryAfter) {
    return of(Kind.SECONDARY_RATE_LIMIT, 403, retryAfter);
  }

  /** 403 with only GitHub's secondary-limit message, no {@code retry-after}. */
  public static Fault secondaryRateLimitMessageOnly() {
    return of(Kind.SECONDARY_MESSAGE_ONLY, 403, Duration.ZERO);
  }

  /** Never answers (the client must time out). */
  public static Fault timeout() {
    return of(Kind.TIMEOUT, 0, Duration.ZERO);
  }

  /** Closes the connection without an answer. */
  public static Fault reset() {
    return of(Kind.RESET, 0, Duration.ZERO);
  }

  /**
   * Processes the request (a create is stored) and then closes the connection instead of answering:
   * the client cannot know whether its write was applied.
   */
  public static Fault lostResponse() {
    return of(Kind.LOST_RESPONSE, 0, Duration.ZERO);
  }

  /** Answers {@code status} to the next {@code times} matching requests. */
  public static Fault status(int status, int times) {
    return status(status).times(times);
  }

  /** Applies to the next {@code n} matching requests. */
  public Fault times(int n) {
    return new Fault(answer, target, n);
  }

  /** Only requests with this method (null for any) whose path (no query) matches the regex. */
  public Fault on(String method, String pathRegex) {
    return new Fault(answer, new Target(method, Pattern.compile(pathRegex)), remaining.get());
  }

  /** Adds {@code retry-after: <whole seconds>} to a status answer (GitHub sends it on some 5xx). */
  public Fault retryAfter(Duration delay) {
    return new Fault(answer.withRetryAfter(delay, false), target, remaining.get());
  }

  /** Adds {@code retry-after: <HTTP-date>} (now + delay) to a status answer. */
  public Fault retryAfterDate(Duration delay) {
    return new Fault(answer.withRetryAfter(delay, true), target, remaining.get());
  }

  /** The {@code retry-after} of a status answer, or null. */
  RetryAfter retryAfterHeader() {
    return answer.retryAfter();
  }

  public Kind kind() {
    return answer.kind();
  }

  int status() {
    return answer.status();
  }

  Duration duration() {
    return answer.duration();
  }

  /** Left to apply. */
  public int remaining() {
    return remaining.get();
  }

  boolean matches(String m, String p) {
    return target.matches(m, p) && remaining.get() > 0;
  }

  /** Consumes one application; false if another request took the last one. */
  boolean take() {
    return remaining.getAndUpdate(x -> x > 0 ? x - 1 : x) > 0;
  }

  @Override
  public String toString() {
    return answer.kind()
        + (answer.status() > 0 ? " " + answer.status() : "")
        + " x"
        + remaining.get()
        + (target.method() == null ? "" : " on " + target.method())
        + (target.path() == null ? "" : " " + target.path())
        + (Objects.equals(answer.duration(), Duration.ZERO) ? "" : " " + answer.duration())
        + (answer.retryAfter() == null ? "" : " " + answer.retryAfter());
  }
}
