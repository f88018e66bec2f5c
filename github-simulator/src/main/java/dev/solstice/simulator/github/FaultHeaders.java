package dev.solstice.simulator.github;

import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Headers an injected {@link Fault} adds to its answer. */
final class FaultHeaders {

  private FaultHeaders() {}

  /**
   * {@code retry-after} in the form the fault asks for: whole seconds, or an HTTP-date (RFC 9110
   * IMF-fixdate) {@code delay} after the simulator's {@code now}, matching its {@code date} header.
   */
  static void retryAfter(
      HttpServerResponse response, Fault f, Instant now, DateTimeFormatter httpDate) {
    Fault.RetryAfter r = f.retryAfterHeader();
    if (r == null) {
      return;
    }
    String value =
        r.httpDate()
            ? httpDate.format(now.plus(r.delay()))
            : Long.toString(Math.max(0, r.delay().toSeconds()));
    response.putHeader("retry-after", value);
  }
}
