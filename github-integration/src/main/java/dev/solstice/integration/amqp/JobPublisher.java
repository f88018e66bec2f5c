package dev.solstice.integration.amqp;

import com.rabbitmq.client.AMQP;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Publishes JobRequests to the jobs exchange: persistent, confirmed, message id = request_id. */
public final class JobPublisher {

  private final ConfirmingPublisher publisher;
  private final QueueTopology jobs;

  public JobPublisher(ConfirmingPublisher publisher, QueueTopology jobs) {
    this.publisher = publisher;
    this.jobs = jobs;
  }

  /** Completes when the broker confirmed every request; fails if any one was not. */
  public Future<Void> publishAll(List<JobRequest> requests) {
    return Future.all(requests.stream().map(this::publish).toList()).mapEmpty();
  }

  public Future<Void> publish(JobRequest request) {
    return publisher.publish(
        jobs.exchange(), jobs.routingKey(), properties(request), JobCodec.encode(request));
  }

  /** Publishes a jobcancel.v1 on the cancel flow (message id derived from the request id). */
  public Future<Void> publishCancel(
      QueueTopology cancels, dev.solstice.jobrequest.JobCancel cancel) {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType(MessageProperties.CONTENT_TYPE)
            .deliveryMode(MessageProperties.PERSISTENT)
            .messageId(cancel.messageId().toString())
            .type(dev.solstice.jobrequest.JobCancel.SCHEMA_VERSION)
            .build();
    return publisher.publish(
        cancels.exchange(), cancels.routingKey(), props, JobCodec.encode(cancel));
  }

  static AMQP.BasicProperties properties(JobRequest request) {
    return new AMQP.BasicProperties.Builder()
        .contentType(MessageProperties.CONTENT_TYPE)
        .deliveryMode(MessageProperties.PERSISTENT)
        .messageId(request.requestId().toString())
        .type(JobRequest.SCHEMA_VERSION)
        .headers(
            request.deliveryId() == null
                ? Map.of()
                : Map.of(MessageProperties.DELIVERY_ID_HEADER, request.deliveryId()))
        .build();
  }
}
