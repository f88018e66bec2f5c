package dev.solstice.platform.amqp;

import com.rabbitmq.client.AMQP;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.AsyncResult;
import io.vertx.core.internal.ContextInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.HashMap;
import java.util.Map;

/**
 * Traces across the broker: a {@code PRODUCER} span per publish whose W3C trace context ({@code
 * traceparent}, {@code tracestate}) goes into the message's AMQP headers, and a {@code CONSUMER}
 * span per delivery that continues it. The service and the orchestrator stub use this one seam (it
 * rides on their {@link AmqpConnector}), so a trace runs webhook → intake → job → check run.
 *
 * <p>Off ({@link #off()}, the default) it does nothing at all: no span objects, no header copies.
 *
 * <p>The current OpenTelemetry context is kept on Vert.x's duplicated contexts (one per HTTP
 * request, one per delivery here), through vertx-opentelemetry's context storage, so it follows a
 * message's futures and callbacks instead of a thread.
 */
public final class MessageTracing {

  /** The instrumentation scope of every span of ours. */
  public static final String SCOPE = "dev.solstice";

  private static final MessageTracing OFF = new MessageTracing(OpenTelemetry.noop(), false);

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> ROUTING_KEY =
      AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
  private static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<String> MESSAGE_TYPE =
      AttributeKey.stringKey("solstice.message.type");

  /** AMQP headers as a carrier; values are {@code LongString} when read back from the broker. */
  static final TextMapGetter<Map<String, Object>> HEADERS_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
          Object value = carrier == null ? null : carrier.get(key);
          return value == null ? null : value.toString();
        }
      };

  static final TextMapSetter<Map<String, Object>> HEADERS_SETTER = Map::put;

  private final Tracer tracer;
  private final boolean enabled;

  private MessageTracing(OpenTelemetry openTelemetry, boolean enabled) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.enabled = enabled;
  }

  /** No spans, no headers. */
  public static MessageTracing off() {
    return OFF;
  }

  /** Spans from {@code openTelemetry}; {@link #off()} when it is the no-op instance. */
  public static MessageTracing of(OpenTelemetry openTelemetry) {
    return openTelemetry == OpenTelemetry.noop() ? OFF : new MessageTracing(openTelemetry, true);
  }

  public boolean enabled() {
    return enabled;
  }

  /** The tracer of the process's own spans (a no-op one when off). */
  public Tracer tracer() {
    return tracer;
  }

  /** A publish in flight: its span, and the properties to send (with the trace context). */
  public record Publish(Span span, AMQP.BasicProperties properties) {}

  /**
   * Starts the publish span as a child of the current context and writes its context into a copy of
   * the headers. Off, returns the properties as they are.
   */
  Publish startPublish(String exchange, String routingKey, AMQP.BasicProperties properties) {
    if (!enabled) {
      return new Publish(Span.getInvalid(), properties);
    }
    Span span =
        tracer
            .spanBuilder("publish " + exchange)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(SYSTEM, "rabbitmq")
            .setAttribute(OPERATION, "send")
            .setAttribute(DESTINATION, exchange)
            .setAttribute(ROUTING_KEY, routingKey)
            .setAttribute(MESSAGE_ID, String.valueOf(properties.getMessageId()))
            .setAttribute(MESSAGE_TYPE, String.valueOf(properties.getType()))
            .startSpan();
    return new Publish(span, withContext(Context.current().with(span), properties));
  }

  /** A copy of {@code properties} whose headers carry {@code context}'s W3C trace context. */
  static AMQP.BasicProperties withContext(Context context, AMQP.BasicProperties properties) {
    Map<String, Object> headers =
        properties.getHeaders() == null ? new HashMap<>() : new HashMap<>(properties.getHeaders());
    W3CTraceContextPropagator.getInstance().inject(context, headers, HEADERS_SETTER);
    return properties.builder().headers(headers).build();
  }

  /**
   * Starts the span of one delivery, continuing the trace context in its headers, and makes it
   * current on the delivery's own Vert.x context for everything the delivery causes. Off, returns
   * the invalid span and changes nothing.
   *
   * @param vertxContext the delivery's duplicated context (see {@link QueueConsumer})
   */
  Span startProcess(io.vertx.core.Context vertxContext, String queue, Delivery message) {
    if (!enabled) {
      return Span.getInvalid();
    }
    Context parent =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), message.properties().getHeaders(), HEADERS_GETTER);
    Span span =
        tracer
            .spanBuilder("process " + queue)
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(SYSTEM, "rabbitmq")
            .setAttribute(OPERATION, "process")
            .setAttribute(DESTINATION, queue)
            .setAttribute(MESSAGE_ID, String.valueOf(message.properties().getMessageId()))
            .setAttribute(MESSAGE_TYPE, String.valueOf(message.properties().getType()))
            .startSpan();
    attach(vertxContext, parent.with(span));
    return span;
  }

  /**
   * Makes {@code context} the current OpenTelemetry context of a Vert.x context for the rest of its
   * life. For a duplicated context (an HTTP request's, a delivery's), which ends with its work; the
   * scope is therefore not closed.
   */
  @SuppressWarnings("resource")
  public static void attach(io.vertx.core.Context vertxContext, Context context) {
    VertxContextStorage.INSTANCE.attach((ContextInternal) vertxContext, context);
  }

  /** Ends a span with the outcome of what it covered. */
  public static void end(Span span, AsyncResult<?> outcome) {
    if (outcome.failed()) {
      span.recordException(outcome.cause());
      span.setStatus(StatusCode.ERROR, String.valueOf(outcome.cause().getMessage()));
    }
    span.end();
  }
}
