package dev.solstice.orchestrator;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobCancel;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobMessageException;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes JobRequests and answers each with a {@code started} and a {@code completed} JobResult.
 *
 * <p>Delivery guarantee: a JobRequest is acknowledged only after the broker confirmed its
 * {@code completed} result, so a stub that dies mid-job leaves the request to be redelivered (the job
 * may then run twice; consumers of results must tolerate that). Messages that are not valid
 * jobrequest.v1 are rejected without requeueing and dead-lettered into the DLQ.
 *
 * <p>Jobs run concurrently up to the prefetch. Broker calls and blocking work run on worker threads;
 * the job pipeline itself runs on this verticle's event loop. The AMQP client reconnects by itself
 * after a connection loss (automatic recovery) and resumes consuming.
 *
 * <p>Cancels ({@code jobcancel.v1}, on {@code <jobs queue>.cancel}) are honoured: a job cancelled
 * before it arrives is not run, one running is abandoned (its outcome ignored), and both are reported
 * {@code completed} with conclusion {@code cancelled}. Cancelled ids are remembered (the last
 * {@value #REMEMBERED_CANCELS}), since a cancel may overtake its request.
 */
public final class StubOrchestratorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StubOrchestratorVerticle.class);
  /** Pause before requeueing a job whose result could not be published, so a broker problem does not spin. */
  static final Duration REQUEUE_DELAY = Duration.ofSeconds(5);
  private static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(3);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  static final int REMEMBERED_CANCELS = 100_000;

  private final StubSettings settings;
  private final Function<Vertx, LogStore> logStores;
  /** Jobs between delivery and ack; confined to the event loop. */
  private final Set<Future<Void>> inFlight = new HashSet<>();
  /** Cancelled request ids, oldest first; confined to the event loop. */
  private final Map<UUID, String> cancelled = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
      return size() > REMEMBERED_CANCELS;
    }
  };
  /**
   * Request ids this stub already reported completed, oldest first: the front door may publish a
   * JobRequest twice (a crash between the broker's confirm and its own bookkeeping), with the same
   * request_id, so a copy is acknowledged without running again. Confined to the event loop.
   */
  private final Map<UUID, Boolean> done = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
      return size() > REMEMBERED_CANCELS;
    }
  };
  /** Jobs running now, completed early by a cancel; confined to the event loop. */
  private final Map<UUID, Promise<RunOutcome>> running = new HashMap<>();
  private boolean stopping;

  private JobRunner runner;
  private LogStore logStore;
  private Connection connection;
  private Channel consumeChannel;
  private ConfirmingPublisher publisher;
  private volatile String consumerTag;
  private volatile String cancelConsumerTag;

  public StubOrchestratorVerticle(StubSettings settings) {
    this(settings, vertx -> settings.uploadsLogs() ? new S3LogStore(vertx, settings.s3()) : LogStore.disabled());
  }

  /** With another log store, e.g. one a test controls. */
  StubOrchestratorVerticle(StubSettings settings, Function<Vertx, LogStore> logStores) {
    this.settings = settings;
    this.logStores = logStores;
  }

  @Override
  public Future<?> start() {
    runner = JobRunner.of(vertx, settings);
    logStore = logStores.apply(vertx);
    if (!settings.uploadsLogs()) {
      LOG.warn("S3_ENDPOINT is not set: job logs are not uploaded and JobResults carry no log_url");
    }
    LOG.info("starting with {}", settings);
    return vertx.executeBlocking(this::connect, false)
        .compose(v -> logStore.prepare())
        .compose(v -> vertx.executeBlocking(this::consume, false))
        .onSuccess(tag -> LOG.info("consuming {} ({} mode, prefetch {})", settings.jobs().queue(),
            settings.execute() ? "execute" : "simulate", settings.prefetch()))
        .onFailure(e -> vertx.executeBlocking(() -> {
          closeQuietly();
          return null;
        }, false));
  }

  /**
   * Stops taking jobs, lets the ones in flight finish (their results published and requests acked),
   * then disconnects.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    LOG.info("stopping: no new jobs, waiting for {} in flight", inFlight.size());
    return vertx.executeBlocking(() -> {
          if (consumerTag != null && consumeChannel.isOpen()) {
            consumeChannel.basicCancel(consumerTag);
          }
          if (cancelConsumerTag != null && consumeChannel.isOpen()) {
            consumeChannel.basicCancel(cancelConsumerTag);
          }
          return null;
        }, false)
        .recover(e -> {
          LOG.warn("could not cancel the consumer: {}", e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> Future.join(new ArrayList<>(inFlight)).<Void>mapEmpty()
            .recover(e -> Future.succeededFuture()))
        .eventually(() -> vertx.executeBlocking(() -> {
          closeQuietly();
          return null;
        }, false))
        .onComplete(ar -> LOG.info("stopped"));
  }

  /** Drops the broker connection without any goodbye, as a crashing process would. For tests. */
  Future<Void> simulateCrash() {
    stopping = true;
    return vertx.executeBlocking(() -> {
      connection.abort();
      return null;
    }, false);
  }

  private Void connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(settings.amqpUrl());
    // The client re-opens the connection, channels, qos, confirm mode and consumer after a loss.
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL.toMillis());
    factory.setConnectionTimeout((int) CLOSE_TIMEOUT.toMillis());
    factory.setChannelRpcTimeout((int) Duration.ofSeconds(30).toMillis());
    factory.setRequestedHeartbeat(30);
    try {
      connection = factory.newConnection("orchestrator-stub " + settings.jobs().queue());
    } catch (IOException | TimeoutException e) {
      // Not retried: a stub that cannot reach its broker at start is misconfigured or started too early,
      // and its supervisor (compose, systemd) restarts it. Losses after the start are recovered.
      throw new IOException("cannot connect to " + settings.redactedAmqpUrl() + ": " + e.getMessage(), e);
    }
    ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable recoverable) {
        LOG.info("reconnected to {}", settings.redactedAmqpUrl());
      }

      @Override
      public void handleRecoveryStarted(Recoverable recoverable) {
        LOG.warn("lost the connection to {}; reconnecting", settings.redactedAmqpUrl());
      }
    });
    // Declared on the long-lived consume channel: topology recovery redeclares entities on the channel
    // that first declared them, so a short-lived setup channel would make recovery fail.
    consumeChannel = connection.createChannel();
    AmqpTopology.declare(consumeChannel, settings.jobs());
    AmqpTopology.declare(consumeChannel, settings.results());
    AmqpTopology.declare(consumeChannel, cancels());
    publisher = ConfirmingPublisher.open(vertx, context, connection);
    return null;
  }

  private dev.solstice.jobrequest.amqp.QueueTopology cancels() {
    return dev.solstice.jobrequest.amqp.QueueTopology.cancelsOf(settings.jobs());
  }

  private String consume() throws Exception {
    consumeChannel.basicQos(100);
    cancelConsumerTag = consumeChannel.basicConsume(cancels().queue(), false,
        (tag, delivery) -> context.runOnContext(v -> handleCancel(delivery)),
        tag -> LOG.warn("the broker cancelled consuming {}; cancels are not honoured until restarted", cancels().queue()));
    consumeChannel.basicQos(settings.prefetch());
    consumerTag = consumeChannel.basicConsume(settings.jobs().queue(), false,
        // Called on the AMQP client's thread: hop onto the event loop.
        (tag, delivery) -> context.runOnContext(v -> handle(delivery)),
        tag -> {
          LOG.warn("the broker cancelled consuming {} (queue deleted?); no more jobs until restarted",
              settings.jobs().queue());
          context.runOnContext(v -> consumerTag = null);
        });
    return consumerTag;
  }

  private void handle(Delivery delivery) {
    long tag = delivery.getEnvelope().getDeliveryTag();
    if (stopping) {
      // Arrived after we stopped consuming: hand it back for another consumer or the next start.
      settle(tag, Settlement.REQUEUE);
      return;
    }
    JobRequest request;
    try {
      request = JobMessages.decode(delivery.getBody());
    } catch (JobMessageException e) {
      LOG.warn("dead-lettering an unusable message (message_id {}): {}",
          delivery.getProperties().getMessageId(), e.getMessage());
      settle(tag, Settlement.DEAD_LETTER);
      return;
    }
    if (done.containsKey(request.requestId()) || running.containsKey(request.requestId())) {
      LOG.info("job {} is a copy of a job already run or running; acknowledging it without running", request.requestId());
      settle(tag, Settlement.ACK);
      return;
    }
    LOG.info("job {} received{}", request.requestId(), delivery.getEnvelope().isRedeliver() ? " (redelivered)" : "");
    Future<Void> job = process(request, JobMessages.deliveryId(delivery, request))
        .onSuccess(v -> done.put(request.requestId(), Boolean.TRUE))
        .compose(v -> settle(tag, Settlement.ACK))
        .recover(e -> {
          LOG.error("job {} failed in the stub, requeueing it in {} s: {}", request.requestId(),
              REQUEUE_DELAY.toSeconds(), e.toString());
          return vertx.timer(REQUEUE_DELAY.toMillis()).compose(t -> settle(tag, Settlement.REQUEUE));
        });
    inFlight.add(job);
    job.onComplete(ar -> inFlight.remove(job));
  }

  private void handleCancel(Delivery delivery) {
    long tag = delivery.getEnvelope().getDeliveryTag();
    JobCancel cancel;
    try {
      cancel = JobCodec.decodeCancel(delivery.getBody());
      if (cancel.requestId() == null) {
        throw new JobMessageException("jobcancel.v1 without request_id", null);
      }
    } catch (JobMessageException e) {
      LOG.warn("dead-lettering an unusable cancel (message_id {}): {}", delivery.getProperties().getMessageId(),
          e.getMessage());
      settle(tag, Settlement.DEAD_LETTER);
      return;
    }
    String reason = cancel.reason() == null ? "cancelled" : cancel.reason();
    cancelled.put(cancel.requestId(), reason);
    Promise<RunOutcome> job = running.get(cancel.requestId());
    LOG.info("job {} cancelled ({}){}", cancel.requestId(), reason, job != null ? ": stopping it" : "");
    if (job != null) {
      job.tryComplete(cancelledOutcome(reason, "while it ran"));
    }
    settle(tag, Settlement.ACK);
  }

  private static RunOutcome cancelledOutcome(String reason, String when) {
    String text = "Cancelled " + when + " (" + reason + ").";
    return new RunOutcome(Conclusion.CANCELLED, text, text + "\n");
  }

  /** Started result, run, log upload, completed result; succeeds once the completed result is confirmed. */
  private Future<Void> process(JobRequest request, String deliveryId) {
    Instant startedAt = Instant.now();
    String cancelReason = cancelled.get(request.requestId());
    if (cancelReason != null) {
      RunOutcome notRun = cancelledOutcome(cancelReason, "before it started");
      LOG.info("job {} was cancelled before it started; not running it", request.requestId());
      return publish(JobResult.completed(request, Conclusion.CANCELLED, null, Instant.now(), notRun.summary(), null,
          null, List.of()), deliveryId);
    }
    Promise<RunOutcome> ran = Promise.promise();
    running.put(request.requestId(), ran);
    return publish(JobResult.started(request, startedAt), deliveryId)
        .compose(v -> {
          runner.run(request).onComplete(ar -> {
            if (ar.succeeded()) {
              ran.tryComplete(ar.result());
            } else {
              ran.tryFail(ar.cause());
            }
          });
          return ran.future();
        })
        .eventually(() -> {
          running.remove(request.requestId());
          return Future.succeededFuture();
        })
        .compose(outcome -> storeLog(request, outcome)
            .map(logUrl -> JobResult.completed(request, outcome.conclusion(), startedAt, Instant.now(),
                outcome.summary(), logUrl, outcome.logTail(), List.of())))
        .compose(result -> publish(result, deliveryId)
            .onSuccess(v -> LOG.info("job {} completed: {}", request.requestId(), result.conclusion().apiName())));
  }

  /** The log's URL, or null: a lost log is no reason to withhold the job's result. */
  private Future<String> storeLog(JobRequest request, RunOutcome outcome) {
    return logStore.upload(request, outcome.log()).recover(e -> {
      LOG.warn("job {}: could not upload the log, reporting without log_url: {}", request.requestId(), e.toString());
      return Future.succeededFuture(null);
    });
  }

  private Future<Void> publish(JobResult result, String deliveryId) {
    return publisher.publish(settings.results().exchange(), settings.results().routingKey(),
        JobMessages.propertiesOf(result, deliveryId), JobCodec.encode(result));
  }

  private enum Settlement { ACK, REQUEUE, DEAD_LETTER }

  private Future<Void> settle(long tag, Settlement settlement) {
    return vertx.<Void>executeBlocking(() -> {
      // After a reconnect the client drops settlements of pre-reconnect tags: the broker already requeued those.
      switch (settlement) {
        case ACK -> consumeChannel.basicAck(tag, false);
        case REQUEUE -> consumeChannel.basicNack(tag, false, true);
        case DEAD_LETTER -> consumeChannel.basicNack(tag, false, false);
      }
      return null;
    }, false).onFailure(e -> LOG.warn("could not {} delivery {}: {}", settlement, tag, e.toString()));
  }

  private void closeQuietly() {
    try {
      if (publisher != null) {
        publisher.close();
      }
      if (connection != null && connection.isOpen()) {
        connection.close((int) CLOSE_TIMEOUT.toMillis());
      }
    } catch (Exception e) {
      LOG.warn("closing the broker connection: {}", e.toString());
    }
    if (logStore != null) {
      logStore.close();
    }
  }
}
