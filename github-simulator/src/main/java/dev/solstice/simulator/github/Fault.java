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

  private final Kind kind;
  private final int status;
  private final Duration duration;
  private final AtomicInteger remaining;
  private final String method;
  private final Pattern path;
  private final RetryAfter retryAfter;

  /**
   * A {@code retry-after} header on a {@link Kind#STATUS} answer, in either form RFC 9110 allows.
   *
   * @param delay how long the client is asked to wait
   * @param httpDate true for the HTTP-date form (now + delay on the simulator's clock), false for
   *     whole seconds
   */
  public record RetryAfter(Duration delay, boolean httpDate) {}

  private Fault(Kind kind, int status, Duration duration, int times, String method, Pattern path) {
    this(kind, status, duration, times, method, path, null);
  }

  private Fault(
      Kind kind,
      int status,
      Duration duration,
      int times,
      String method,
      Pattern path,
      RetryAfter retryAfter) {
    this.kind = kind;
    this.status = status;
    this.duration = duration;
    this.remaining = new AtomicInteger(times);
    this.method = method;
    this.path = path;
    this.retryAfter = retryAfter;
  }

  /** Delays the answer; combines with other faults. */
  public static Fault latency(Duration delay) {
    return new Fault(Kind.LATENCY, 0, delay, 1, null, null);
  }

  /** Answers with this status and GitHub's error body (e.g. 502, 503). */
  public static Fault status(int status) {
    return new Fault(Kind.STATUS, status, Duration.ZERO, 1, null, null);
  }

  /** 403 with {@code x-ratelimit-remaining: 0} and {@code x-ratelimit-reset} now + resetIn. */
  public static Fault primaryRateLimit(Duration resetIn) {
    return new Fault(Kind.PRIMARY_RATE_LIMIT, 403, resetIn, 1, null, null);
  }

  /** 403 with {@code retry-after} (whole seconds) and GitHub's secondary-limit message. */
  public static Fault secondaryRateLimit(Duration retryAfter) {
    return new Fault(Kind.SECONDARY_RATE_LIMIT, 403, retryAfter, 1, null, null);
  }

  /** 403 with only GitHub's secondary-limit message, no {@code retry-after}. */
  public static Fault secondaryRateLimitMessageOnly() {
    return new Fault(Kind.SECONDARY_MESSAGE_ONLY, 403, Duration.ZERO, 1, null, null);
  }

  /** Never answers (the client must time out). */
  public static Fault timeout() {
    return new Fault(Kind.TIMEOUT, 0, Duration.ZERO, 1, null, null);
  }

  /** Closes the connection without an answer. */
  public static Fault reset() {
    return new Fault(Kind.RESET, 0, Duration.ZERO, 1, null, null);
  }

  /**
   * Processes the request (a create is stored) and then closes the connection instead of answering:
   * the client cannot know whether its write was applied.
   */
  public static Fault lostResponse() {
    return new Fault(Kind.LOST_RESPONSE, 0, Duration.ZERO, 1, null, null);
  }

  /** Answers {@code status} to the next {@code times} matching requests. */
  public static Fault status(int status, int times) {
    return status(status).times(times);
  }

  /** Applies to the next {@code n} matching requests. */
  public Fault times(int n) {
    return new Fault(kind, status, duration, n, method, path, retryAfter);
  }

  /** Only requests with this method (null for any) whose path (no query) matches the regex. */
  public Fault on(String method, String pathRegex) {
    return new Fault(
        kind, status, duration, remaining.get(), method, Pattern.compile(pathRegex), retryAfter);
  }

  /** Adds {@code retry-after: <whole seconds>} to a status answer (GitHub sends it on some 5xx). */
  public Fault retryAfter(Duration delay) {
    return new Fault(
        kind, status, duration, remaining.get(), method, path, new RetryAfter(delay, false));
  }

  /** Adds {@code retry-after: <HTTP-date>} (now + delay) to a status answer. */
  public Fault retryAfterDate(Duration delay) {
    return new Fault(
        kind, status, duration, remaining.get(), method, path, new RetryAfter(delay, true));
  }

  /** The {@code retry-after} of a status answer, or null. */
  RetryAfter retryAfterHeader() {
    return retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }

  Duration duration() {
    return duration;
  }

  /** Left to apply. */
  public int remaining() {
    return remaining.get();
  }

  boolean matches(String m, String p) {
    return (method == null || method.equalsIgnoreCase(m))
        && (path == null || path.matcher(p).matches())
        && remaining.get() > 0;
  }

  /** Consumes one application; false if another request took the last one. */
  boolean take() {
    return remaining.getAndUpdate(x -> x > 0 ? x - 1 : x) > 0;
  }

  @Override
  public String toString() {
    return kind
        + (status > 0 ? " " + status : "")
        + " x"
        + remaining.get()
        + (method == null ? "" : " on " + method)
        + (path == null ? "" : " " + path)
        + (Objects.equals(duration, Duration.ZERO) ? "" : " " + duration)
        + (retryAfter == null ? "" : " " + retryAfter);
  }
}
