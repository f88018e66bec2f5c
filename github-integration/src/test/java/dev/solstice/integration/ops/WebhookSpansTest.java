package dev.solstice.integration.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.platform.amqp.MessageTracing;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;

class WebhookSpansTest {

  @Test
  void withTracingOffTheWebhookHandlerIsNotWrapped() {
    Handler<RoutingContext> handler = ctx -> {};
    assertThat(WebhookSpans.around(MessageTracing.off(), "/webhooks/github", handler))
        .isSameAs(handler);
  }
}
