package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import dev.solstice.platform.amqp.MessageTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.AsyncResult;

/**
 * The span of one job, from its JobRequest to its confirmed completed JobResult; a child of the
 * delivery's span, so it continues the trace the service started at the webhook. Its JobResults are
 * published under it and carry its trace context back to the service.
 */
final class JobSpan {

  private static final AttributeKey<String> REQUEST_ID =
      AttributeKey.stringKey("solstice.request_id");
  private static final AttributeKey<String> JOB = AttributeKey.stringKey("solstice.job");
  private static final AttributeKey<String> REPOSITORY =
      AttributeKey.stringKey("solstice.repository");
  private static final AttributeKey<String> CONCLUSION =
      AttributeKey.stringKey("solstice.conclusion");

  private final Span span;
  private final Context context;

  private JobSpan(Span span, Context context) {
    this.span = span;
    this.context = context;
  }

  /** A child of the current context (the delivery's span); nothing when tracing is off. */
  static JobSpan start(MessageTracing tracing, JobRequest request) {
    if (!tracing.enabled()) {
      return new JobSpan(Span.getInvalid(), Context.current());
    }
    Span span =
        tracing
            .tracer()
            .spanBuilder("job " + request.workflowJobId())
            .setAttribute(REQUEST_ID, String.valueOf(request.requestId()))
            .setAttribute(JOB, String.valueOf(request.workflowJobId()))
            .setAttribute(REPOSITORY, String.valueOf(request.repository()))
            .startSpan();
    return new JobSpan(span, Context.current().with(span));
  }

  /** Makes the job's context current until the scope closes. */
  Scope makeCurrent() {
    return context.makeCurrent();
  }

  void concluded(String conclusion) {
    span.setAttribute(CONCLUSION, conclusion);
  }

  void end(AsyncResult<?> outcome) {
    MessageTracing.end(span, outcome);
  }
}
