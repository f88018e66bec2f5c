package dev.solstice.integration.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's own answers, in GitHub's error shape: {@code {"message", "documentation_url"}}. */
final class GatewayAnswers {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayAnswers.class);
  static final String DOCS = "https://docs.github.com/rest";

  private final GatewayVerticle.Observer observer;

  GatewayAnswers(GatewayVerticle.Observer observer) {
    this.observer = observer;
  }

  /**
   * Answers {@code status} with {@code message}; {@code why} names the reason in metrics. Never
   * logs the request's headers (they hold the token).
   */
  void refuse(HttpServerRequest in, String route, int status, String message, String why) {
    observer.request(in, route, status, why);
    LOG.debug("gateway: {} {} refused {} ({})", in.method(), route, status, why);
    HttpServerResponse resp = in.response();
    if (resp.headWritten()) {
      resp.reset();
      return;
    }
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8");
    if (status == 401) {
      resp.putHeader("WWW-Authenticate", "Bearer realm=\"solstice-gateway\"");
    }
    if (status == 413 || status == 411) {
      // The body was not read; the connection cannot be reused.
      resp.putHeader(HttpHeaders.CONNECTION, "close");
    }
    in.resume();
    resp.end(new JsonObject().put("message", message).put("documentation_url", DOCS).encode());
  }

  /**
   * Refuses a body over {@code maxBodyBytes} (413), a bad length (400) or a chunked body without
   * one (411); true when refused.
   */
  boolean tooLarge(HttpServerRequest in, String route, long maxBodyBytes) {
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    long n;
    try {
      n = length == null ? 0 : Long.parseLong(length);
    } catch (NumberFormatException e) {
      refuse(in, route, 400, "Problems parsing the Content-Length header", "bad_length");
      return true;
    }
    if (n > maxBodyBytes) {
      refuse(
          in,
          route,
          413,
          "Request body is " + n + " bytes; the gateway accepts at most " + maxBodyBytes,
          "too_large");
      return true;
    }
    if (length == null && in.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      // A chunked body's size is unknown until it arrived; the cap needs it up front.
      refuse(in, route, 411, "A request body needs a Content-Length", "no_length");
      return true;
    }
    return false;
  }

  /**
   * A client that sent {@code Expect: 100-continue} (curl does for bodies over 1 KiB) is told to
   * send its body only once the request passed every check, so a refused body is never sent.
   */
  static void continueIfAsked(HttpServerRequest in) {
    if ("100-continue".equalsIgnoreCase(in.getHeader(HttpHeaders.EXPECT))) {
      in.response().writeContinue();
    }
  }

  void upstreamFailed(HttpServerRequest in, String route, Throwable e) {
    LOG.warn("gateway: {} {} failed upstream: {}", in.method(), route, e.getMessage());
    refuse(in, route, 502, "The gateway could not reach GitHub: " + e.getMessage(), "upstream");
  }
}
