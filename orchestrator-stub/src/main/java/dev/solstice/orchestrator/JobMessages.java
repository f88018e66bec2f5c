package dev.solstice.orchestrator;

import com.rabbitmq.client.AMQP;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobMessageException;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobSchemas;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.platform.amqp.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Reading JobRequest deliveries and dressing JobResults as AMQP messages, as the contract says. */
final class JobMessages {

  static final String APP_ID = "solstice-orchestrator-stub";

  private JobMessages() {}

  /**
   * The JobRequest in the delivery, checked against the jobrequest.v1 schema.
   *
   * @throws JobMessageException if it is not one; redelivering it would not help
   */
  static JobRequest decode(byte[] body) {
    JobRequest request = JobCodec.decodeRequest(body);
    List<String> problems = JobSchemas.validateRequest(new String(body, StandardCharsets.UTF_8));
    if (!problems.isEmpty()) {
      throw new JobMessageException(
          "not a valid jobrequest.v1: " + String.join("; ", problems), null);
    }
    return request;
  }

  /** The webhook delivery the job came from: the request's own field, else the message header. */
  static String deliveryId(Delivery delivery, JobRequest request) {
    if (request.deliveryId() != null) {
      return request.deliveryId();
    }
    return delivery.header(MessageProperties.DELIVERY_ID_HEADER);
  }

  /**
   * Persistent JSON, message_id = request_id, type = schema version, plus the delivery header when
   * known.
   */
  static AMQP.BasicProperties propertiesOf(JobResult result, String deliveryId) {
    return new AMQP.BasicProperties.Builder()
        .contentType(MessageProperties.CONTENT_TYPE)
        .deliveryMode(MessageProperties.PERSISTENT)
        .messageId(result.requestId().toString())
        .type(JobResult.SCHEMA_VERSION)
        .appId(APP_ID)
        .timestamp(new Date())
        .headers(
            deliveryId == null
                ? Map.of()
                : Map.of(MessageProperties.DELIVERY_ID_HEADER, deliveryId))
        .build();
  }
}
