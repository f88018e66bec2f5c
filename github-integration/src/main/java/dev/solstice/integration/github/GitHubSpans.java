package dev.solstice.integration.github;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.AsyncResult;

/**
 * The span of one HTTP exchange with GitHub: named {@code METHOD route-template}, with the
 * operation id, the answer's status and the rate-limit budget GitHub says is left. Never the URL's
 * query or any header: they may carry credentials.
 */
final class GitHubSpans {

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("github.operation");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> RATE_LIMIT_REMAINING =
      AttributeKey.longKey("github.rate_limit.remaining");

  private GitHubSpans() {}

  static Span start(Tracer tracer, Context parent, String operation, String method, String route) {
    return tracer
        .spanBuilder(method + " " + route)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(METHOD, method)
        .setAttribute(ROUTE, route)
        .setAttribute(OPERATION, operation)
        .startSpan();
  }

  static void end(Span span, AsyncResult<GitHubTransport.Response> outcome) {
    if (outcome.failed()) {
      span.setStatus(StatusCode.ERROR, "no answer: " + outcome.cause().getClass().getSimpleName());
    } else {
      GitHubTransport.Response resp = outcome.result();
      span.setAttribute(STATUS, (long) resp.status());
      String remaining = resp.header("x-ratelimit-remaining");
      if (remaining != null) {
        try {
          span.setAttribute(RATE_LIMIT_REMAINING, Long.parseLong(remaining.trim()));
        } catch (NumberFormatException ignored) {
          // a malformed header is no reason to lose the span
        }
      }
      if (resp.status() >= 400) {
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }
}
