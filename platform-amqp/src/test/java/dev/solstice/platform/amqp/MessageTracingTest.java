package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTracingTest {

  private final AMQP.BasicProperties properties =
      new AMQP.BasicProperties.Builder()
          .messageId("m-1")
          .type("jobrequest.v1")
          .headers(Map.of("x-github-delivery", "d-1"))
          .build();

  @Test
  void offLeavesTheMessageAsItIs() {
    MessageTracing.Publish publish = MessageTracing.off().startPublish("ex", "key", properties);
    assertThat(publish.properties()).isSameAs(properties);
    assertThat(publish.span().getSpanContext().isValid()).isFalse();
    assertThat(MessageTracing.of(OpenTelemetry.noop()).enabled()).isFalse();
  }

  @Test
  void aPublishCarriesItsSpanAsTraceparentAndTheConsumerReadsItBackFromBrokerHeaders() {
    OpenTelemetry on =
        Telemetry.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"), "svc");
    try {
      MessageTracing.Publish publish = MessageTracing.of(on).startPublish("ex", "key", properties);
      SpanContext sent = publish.span().getSpanContext();
      Map<String, Object> headers = publish.properties().getHeaders();
      assertThat(headers)
          .containsEntry("x-github-delivery", "d-1")
          .containsEntry(
              "traceparent",
              "00-"
                  + sent.getTraceId()
                  + "-"
                  + sent.getSpanId()
                  + "-"
                  + sent.getTraceFlags().asHex());
      assertThat(properties.getHeaders()).doesNotContainKey("traceparent");

      // What the broker hands a consumer: header values as LongString, not String.
      Map<String, Object> received = new HashMap<>();
      headers.forEach((k, v) -> received.put(k, LongStringHelper.asLongString(v.toString())));
      Context extracted =
          W3CTraceContextPropagator.getInstance()
              .extract(Context.root(), received, MessageTracing.HEADERS_GETTER);
      SpanContext parent = Span.fromContext(extracted).getSpanContext();
      assertThat(parent.isRemote()).isTrue();
      assertThat(parent.getTraceId()).isEqualTo(sent.getTraceId());
      assertThat(parent.getSpanId()).isEqualTo(sent.getSpanId());
    } finally {
      ((OpenTelemetrySdk) on).close();
    }
  }
}
