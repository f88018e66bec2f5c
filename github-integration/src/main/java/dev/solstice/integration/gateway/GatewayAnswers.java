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
    observer.request(route, status, why);
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

  void upstreamFailed(HttpServerRequest in, String route, Throwable e) {
    LOG.warn("gateway: {} {} failed upstream: {}", in.method(), route, e.getMessage());
    refuse(in, route, 502, "The gateway could not reach GitHub: " + e.getMessage(), "upstream");
  }
}
