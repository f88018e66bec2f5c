package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobCancel;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobMessageException;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.BrokerAddresses;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.FailurePolicy;
import dev.solstice.platform.amqp.MessageTracing;
import dev.solstice.platform.amqp.QueueConsumer;
import dev.solstice.platform.amqp.SettlingConsumer;
import dev.solstice.platform.amqp.UnreadableMessageException;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes JobRequests and answers each with a {@code started} and a {@code completed} JobResult.
 *
 * <p>Delivery guarantee: a JobRequest is acknowledged only after the broker confirmed its {@code
 * completed} result, so a stub that dies mid-job leaves the request to be redelivered (the job may
 * then run twice; consumers of results must tolerate that). Messages that are not valid
 * jobrequest.v1 are parked in the DLQ with the reason. A job that fails in the stub (its result
 * could not be published) is retried through a delay queue ({@link StubSettings#jobRetries()}).
 *
 * <p>Jobs run concurrently up to the prefetch. Broker calls and blocking work run on worker
 * threads; the job pipeline itself runs on this verticle's event loop. The AMQP client reconnects
 * by itself after a connection loss (automatic recovery) and resumes consuming.
 *
 * <p>Cancels ({@code jobcancel.v1}, on {@code <jobs queue>.cancel}) are honoured: a job cancelled
 * before it arrives is not run, one running is stopped (a script is killed with its children; what
 * it logged so far is kept), and both are reported {@code completed} with conclusion {@code
 * cancelled}. Cancelled ids are remembered (the last {@value #REMEMBERED_CANCELS}), since a cancel
 * may overtake its request.
 */
public final class StubOrchestratorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StubOrchestratorVerticle.class);

  /** How long to wait for the broker's confirm before calling the publication failed. */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Jobs in flight may take long; the process supervisor's own grace period bounds the stop anyway.
   */
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(60);

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int CANCEL_PREFETCH = 100;
  static final int REMEMBERED_CANCELS = 100_000;

  /**
   * Only an unusable JobRequest is not worth another try; anything else was the broker or the
   * runner.
   */
  private static final FailurePolicy JOB_FAILURES =
      e ->
          new FailurePolicy.Verdict(
              !(e instanceof UnreadableMessageException), Optional.empty(), e.toString());

  private final StubSettings settings;
  private final Function<Vertx, LogStore> logStores;
  private final MessageTracing tracing;

  /** Cancelled request ids, oldest first; confined to the event loop. */
  private final Map<UUID, String> cancelled =
      new LinkedHashMap<>() {
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
  private final Map<UUID, Boolean> done =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
          return size() > REMEMBERED_CANCELS;
        }
      };

  /**
   * Jobs running now, each with the promise its cancel completes (with the reason); confined to the
   * event loop.
   */
  private final Map<UUID, Promise<String>> running = new HashMap<>();

  private JobRunner runner;
  private LogStore logStore;
  private AmqpConnector connector;
  private ConfirmingPublisher publisher;
  private SettlingConsumer jobConsumer;
  private QueueConsumer cancelConsumer;

  public StubOrchestratorVerticle(StubSettings settings) {
    this(settings, OpenTelemetry.noop());
  }

  /**
   * With traces (issue 17): each job's span continues the JobRequest's trace context, and its
   * JobResults carry the job's; the no-op instance turns them off.
   */
  public StubOrchestratorVerticle(StubSettings settings, OpenTelemetry openTelemetry) {
    this(
        settings,
        vertx ->
            settings.uploadsLogs() ? new S3LogStore(vertx, settings.s3()) : LogStore.disabled(),
        openTelemetry);
  }

  /** With another log store, e.g. one a test controls. */
  StubOrchestratorVerticle(StubSettings settings, Function<Vertx, LogStore> logStores) {
    this(settings, logStores, OpenTelemetry.noop());
  }

  private StubOrchestratorVerticle(
      StubSettings settings, Function<Vertx, LogStore> logStores, OpenTelemetry openTelemetry) {
    this.settings = settings;
    this.logStores = logStores;
    this.tracing = MessageTracing.of(openTelemetry);
  }

  @Override
  public Future<?> start() {
    runner = JobRunner.of(vertx, settings);
    logStore = logStores.apply(vertx);
    if (!settings.uploadsLogs()) {
      LOG.warn("S3_ENDPOINT is not set: job logs are not uploaded and JobResults carry no log_url");
    }
    LOG.info("starting with {}", settings);
    // Not retried: a stub that cannot reach its broker at start is misconfigured or started too
    // early,
    // and its supervisor (compose, systemd) restarts it. Losses after the start are recovered.
    connector =
        new AmqpConnector(
            BrokerAddresses.parse(settings.amqpUrl()),
            "orchestrator-stub " + settings.jobs().queue(),
            tracing);
    publisher =
        new ConfirmingPublisher(
            vertx,
            connector,
            CONFIRM_TIMEOUT,
            List.of(settings.jobs(), settings.results(), cancels()),
            "stub");
    return vertx
        .executeBlocking(
            () -> {
              connector.connectOnce();
              return null;
            },
            false)
        .compose(v -> logStore.prepare())
        .compose(v -> consume())
        .onSuccess(
            v ->
                LOG.info(
                    "consuming {} ({} mode, prefetch {})",
                    settings.jobs().queue(),
                    settings.execute() ? "execute" : "simulate",
                    settings.prefetch()))
        .onFailure(
            e ->
                vertx.executeBlocking(
                    () -> {
                      closeQuietly();
                      return null;
                    },
                    false));
  }

  /**
   * Stops taking jobs, lets the ones in flight finish (their results published and requests acked),
   * then disconnects.
   */
  @Override
  public Future<?> stop() {
    LOG.info("stopping: no new jobs, waiting for the jobs in flight");
    Future<Void> cancels =
        cancelConsumer == null
            ? Future.succeededFuture()
            : cancelConsumer
                .pause()
                .recover(
                    e -> {
                      LOG.warn("could not cancel the consumer: {}", e.toString());
                      return Future.succeededFuture();
                    });
    return cancels
        .compose(
            v -> jobConsumer == null ? Future.succeededFuture() : jobConsumer.stop(DRAIN_TIMEOUT))
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      closeQuietly();
                      return null;
                    },
                    false))
        .onComplete(ar -> LOG.info("stopped"));
  }

  /** Drops the broker connection without any goodbye, as a crashing process would. For tests. */
  Future<Void> simulateCrash() {
    return vertx.executeBlocking(
        () -> {
          connector.abort();
          return null;
        },
        false);
  }

  private QueueTopology cancels() {
    return QueueTopology.cancelsOf(settings.jobs());
  }

  /** Starts both consumers; succeeds once they and the publisher are on open channels. */
  private Future<Void> consume() {
    cancelConsumer =
        new QueueConsumer(context, connector, cancels(), CANCEL_PREFETCH, null, this::handleCancel);
    jobConsumer =
        new SettlingConsumer(
            context,
            connector,
            publisher,
            settings.jobs(),
            settings.jobRetries(),
            settings.prefetch(),
            this::handle,
            JOB_FAILURES,
            new SettlingConsumer.Outcomes() {
              @Override
              public void retrying(Delivery message, SettlingConsumer.Failure f) {
                LOG.error(
                    "job {} failed in the stub, retrying it in {} s: {}",
                    message.properties().getMessageId(),
                    f.delay().toSeconds(),
                    f.reason());
              }

              @Override
              public void parking(Delivery message, SettlingConsumer.Failure f) {
                if (!(f.error() instanceof UnreadableMessageException)) {
                  LOG.error(
                      "job {} failed in the stub {} times, parking it: {}",
                      message.properties().getMessageId(),
                      f.attempt(),
                      f.reason());
                }
              }
            });
    return ready(System.currentTimeMillis() + READY_TIMEOUT.toMillis());
  }

  private Future<Void> ready(long deadline) {
    if (publisher.isReady() && jobConsumer.isConsuming() && cancelConsumer.isConsuming()) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(
          "not consuming "
              + settings.jobs().queue()
              + " within "
              + READY_TIMEOUT.toSeconds()
              + " s of connecting (see the log for the broker's answer)");
    }
    return vertx.timer(50).compose(v -> ready(deadline));
  }

  /**
   * One JobRequest; succeeds once its completed result is confirmed (the consumer then acks it).
   */
  private Future<Void> handle(Delivery delivery) {
    JobRequest request;
    try {
      request = JobMessages.decode(delivery.body());
    } catch (JobMessageException e) {
      LOG.warn(
          "dead-lettering an unusable message (message_id {}): {}",
          delivery.properties().getMessageId(),
          e.getMessage());
      return Future.failedFuture(new UnreadableMessageException(e.getMessage(), e));
    }
    if (done.containsKey(request.requestId()) || running.containsKey(request.requestId())) {
      LOG.info(
          "job {} is a copy of a job already run or running; acknowledging it without running",
          request.requestId());
      return Future.succeededFuture();
    }
    LOG.info(
        "job {} received{}", request.requestId(), delivery.redelivered() ? " (redelivered)" : "");
    JobSpan span = JobSpan.start(tracing, request);
    return process(request, JobMessages.deliveryId(delivery, request), span)
        .andThen(span::end)
        .onSuccess(v -> done.put(request.requestId(), Boolean.TRUE));
  }

  private void handleCancel(Delivery delivery) {
    JobCancel cancel;
    try {
      cancel = JobCodec.decodeCancel(delivery.body());
      if (cancel.requestId() == null) {
        throw new JobMessageException("jobcancel.v1 without request_id", null);
      }
    } catch (JobMessageException e) {
      LOG.warn(
          "dead-lettering an unusable cancel (message_id {}): {}",
          delivery.properties().getMessageId(),
          e.getMessage());
      delivery.reject();
      return;
    }
    String reason = cancel.reason() == null ? "cancelled" : cancel.reason();
    cancelled.put(cancel.requestId(), reason);
    Promise<String> job = running.get(cancel.requestId());
    LOG.info(
        "job {} cancelled ({}){}", cancel.requestId(), reason, job != null ? ": stopping it" : "");
    if (job != null) {
      job.tryComplete(reason);
    }
    delivery.ack();
  }

  /**
   * Started result, run, log upload, completed result; succeeds once the completed result is
   * confirmed.
   */
  private Future<Void> process(JobRequest request, String deliveryId, JobSpan span) {
    Instant startedAt = Instant.now();
    String cancelReason = cancelled.get(request.requestId());
    if (cancelReason != null) {
      RunOutcome notRun = RunOutcome.cancelled(cancelReason, "before it started", "");
      LOG.info("job {} was cancelled before it started; not running it", request.requestId());
      return publish(
          JobResult.completed(
              request,
              Conclusion.CANCELLED,
              null,
              Instant.now(),
              notRun.summary(),
              null,
              null,
              List.of()),
          deliveryId,
          span);
    }
    Promise<String> cancel = Promise.promise();
    running.put(request.requestId(), cancel);
    // The log goes up in parts while the job runs (a job page shows it live); the final object
    // follows the last part, then the completed result.
    PartUploader parts =
        new PartUploader(
            vertx,
            logStore,
            request,
            settings.logPartLines(),
            settings.logPartInterval(),
            log -> ScriptJobRunner.masked(request, log));
    return publish(JobResult.started(request, startedAt), deliveryId, span)
        .compose(v -> runner.run(request, cancel.future(), parts))
        .eventually(
            () -> {
              running.remove(request.requestId());
              return parts.close();
            })
        .compose(
            outcome ->
                storeLog(request, outcome)
                    .map(
                        logUrl ->
                            JobResult.completed(
                                request,
                                outcome.conclusion(),
                                startedAt,
                                Instant.now(),
                                outcome.summary(),
                                logUrl,
                                outcome.logTail(),
                                List.of())))
        .compose(
            result ->
                publish(result, deliveryId, span)
                    .onSuccess(
                        v -> {
                          span.concluded(result.conclusion().apiName());
                          LOG.info(
                              "job {} completed: {}",
                              request.requestId(),
                              result.conclusion().apiName());
                        }));
  }

  /** The log's URL, or null: a lost log is no reason to withhold the job's result. */
  private Future<String> storeLog(JobRequest request, RunOutcome outcome) {
    return logStore
        .upload(request, outcome.log())
        .recover(
            e -> {
              LOG.warn(
                  "job {}: could not upload the log, reporting without log_url: {}",
                  request.requestId(),
                  e.toString());
              return Future.succeededFuture(null);
            });
  }

  /** Publishes under the job's span, whichever callback it is called from (a cancel's too). */
  private Future<Void> publish(JobResult result, String deliveryId, JobSpan span) {
    try (var current = span.makeCurrent()) {
      return publisher.publish(
          settings.results().exchange(),
          settings.results().routingKey(),
          JobMessages.propertiesOf(result, deliveryId),
          JobCodec.encode(result));
    }
  }

  private void closeQuietly() {
    if (jobConsumer != null) {
      jobConsumer.close();
    }
    if (cancelConsumer != null) {
      cancelConsumer.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (connector != null) {
      connector.close();
    }
    if (logStore != null) {
      logStore.close();
    }
  }
}
