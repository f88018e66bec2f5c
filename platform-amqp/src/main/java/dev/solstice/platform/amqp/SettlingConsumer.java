package dev.solstice.platform.amqp;

import dev.solstice.jobrequest.amqp.QueueTopology;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one flow and settles every message one way: acked once the handler's future succeeded;
 * on failure sent to the flow's delay queue for the next attempt (attempt header counted up) or,
 * when the policy says it is not worth it or the schedule's attempts are used up, parked in the
 * dead-letter queue with {@code x-solstice-reason} and {@code x-solstice-attempts}. The original is
 * acked only once its retry or parked copy is confirmed.
 *
 * <p>Declares the flow and one delay queue per delay of the schedule on its channel.
 */
public final class SettlingConsumer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SettlingConsumer.class);

  /** Longest wait between two tries of a reschedule the broker would not take. */
  static final Duration MAX_RESCHEDULE_WAIT = Duration.ofSeconds(60);

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * What happened to a message; hooks for the caller's logs and metrics, called on the consumer's
   * context.
   */
  public interface Outcomes {
    /** Handled; called just before the ack. */
    default void acked(Delivery message) {}

    /** Failed and about to go to the delay queue for attempt {@code failure.attempt() + 1}. */
    default void retrying(Delivery message, Failure failure) {}

    /** Failed for good (or unreadable) and about to be parked in the dead-letter queue. */
    default void parking(Delivery message, Failure failure) {}

    /**
     * The broker did not take the retry (or parked) copy; it is tried again after {@code wait}. The
     * consumer logs it (message id and queue); count it here.
     */
    default void rescheduleFailed(
        Delivery message, Failure failure, Throwable error, Duration wait) {}
  }

  /**
   * @param attempt the attempt that failed (1 for the first)
   * @param delay wait before the next attempt; null when parked
   */
  public record Failure(
      int attempt, int maxAttempts, Duration delay, String reason, Throwable error) {}

  private final Context context;
  private final Vertx vertx;
  private final QueueTopology flow;
  private final RetrySchedule schedule;
  private final RetryRoute route;
  private final Function<Delivery, Future<Void>> handler;
  private final FailurePolicy policy;
  private final Outcomes outcomes;
  private final QueueConsumer consumer;
  private final MessageTracing tracing;

  /**
   * The broker side of a consumer: what it reads, how it reschedules, and how it judges failures.
   *
   * @param prefetch unacked messages in hand at most
   */
  public record Settings(
      AmqpConnector connector,
      ConfirmingPublisher publisher,
      QueueTopology flow,
      RetrySchedule schedule,
      int prefetch,
      FailurePolicy policy) {}

  /**
   * Starts consuming once the connector is connected.
   *
   * @param handler the message's side effects; a failed future (or a throw) is judged by {@code
   *     policy}
   */
  public SettlingConsumer(
      Context context,
      AmqpConnector connector,
      ConfirmingPublisher publisher,
      QueueTopology flow,
      RetrySchedule schedule,
      int prefetch,
      Function<Delivery, Future<Void>> handler,
      FailurePolicy policy,
      Outcomes outcomes) {
    this(
        context,
        new Settings(connector, publisher, flow, schedule, prefetch, policy),
        handler,
        outcomes);
  }

  /**
   * Starts consuming once the connector is connected.
   *
   * @param handler the message's side effects; a failed future (or a throw) is judged by the
   *     settings' policy
   */
  public SettlingConsumer(
      Context context,
      Settings settings,
      Function<Delivery, Future<Void>> handler,
      Outcomes outcomes) {
    QueueTopology flow = settings.flow();
    RetrySchedule schedule = settings.schedule();
    this.context = context;
    this.vertx = context.owner();
    this.flow = flow;
    this.schedule = schedule;
    this.route = new RetryRoute(settings.publisher(), flow, schedule.delays());
    this.handler = handler;
    this.policy = settings.policy();
    this.outcomes = outcomes;
    this.tracing = settings.connector().tracing();
    this.consumer =
        new QueueConsumer(
            context,
            settings.connector(),
            flow,
            settings.prefetch(),
            channel -> {
              for (Duration delay : schedule.delays()) {
                Topology.declareDelay(channel, flow, delay);
              }
            },
            this::handle);
  }

  /** True while the consumer is registered on an open channel. */
  public boolean isConsuming() {
    return consumer.isConsuming();
  }

  public QueueTopology flow() {
    return flow;
  }

  public RetrySchedule schedule() {
    return schedule;
  }

  private Future<Void> apply(Delivery message) {
    try {
      return handler.apply(message);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void handle(Delivery message) {
    Future<Void> handled;
    if (tracing.enabled()) {
      // The delivery's span, current on its own (duplicated) context for all it causes.
      Span span = tracing.startProcess(vertx.getOrCreateContext(), flow.queue(), message);
      handled = apply(message).andThen(ar -> MessageTracing.end(span, ar));
    } else {
      handled = apply(message);
    }
    handled.onComplete(
        ar -> {
          if (ar.succeeded()) {
            outcomes.acked(message);
            message.ack();
          } else {
            failed(message, ar.cause());
          }
        });
  }

  private void failed(Delivery message, Throwable error) {
    int attempt = RetryRoute.attempt(message);
    FailurePolicy.Verdict verdict = policy.judge(error);
    boolean retry =
        verdict.retryable()
            && !(error instanceof UnreadableMessageException)
            && schedule.allowsAnotherAfter(attempt);
    Duration delay =
        retry ? schedule.delayBefore(attempt + 1, verdict.minimumDelay().orElse(null)) : null;
    Failure failure = new Failure(attempt, schedule.maxAttempts(), delay, verdict.reason(), error);
    if (retry) {
      outcomes.retrying(message, failure);
    } else {
      outcomes.parking(message, failure);
    }
    Duration firstWait = retry ? delay : schedule.delayBefore(attempt + 1);
    reschedule(message, failure, min(firstWait, MAX_RESCHEDULE_WAIT));
  }

  /**
   * Acks once the retry (or the parked copy) is confirmed. When the broker would not take it
   * either, only the rescheduling is tried again (not the handler, whose side effects are done),
   * with a doubling wait capped at {@link #MAX_RESCHEDULE_WAIT}: leaving the message unacked on a
   * channel that stays open would hold a prefetch slot forever and, a few of those later, starve
   * the consumer. If the channel dies meanwhile, the broker redelivers the message and the ack is
   * dropped.
   */
  private void reschedule(Delivery message, Failure failure, Duration wait) {
    Future<Void> copied =
        failure.delay() != null
            ? route.retryAfter(
                message.properties(),
                message.body(),
                failure.attempt(),
                failure.delay(),
                failure.reason())
            : route.park(message.properties(), message.body(), failure.attempt(), failure.reason());
    copied
        .onSuccess(v -> message.ack())
        .onFailure(
            e -> {
              LOG.warn(
                  "could not reschedule message {} of {}: {}; trying again in {} ms",
                  message.properties().getMessageId(),
                  flow.queue(),
                  e.getMessage(),
                  wait.toMillis());
              outcomes.rescheduleFailed(message, failure, e, wait);
              vertx.setTimer(
                  wait.toMillis(),
                  id ->
                      reschedule(message, failure, min(wait.multipliedBy(2), MAX_RESCHEDULE_WAIT)));
            });
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Graceful stop: takes nothing new, lets messages in hand settle (at most 10 s, and only while
   * the channel is open), then closes; whatever is still unacked is redelivered by the broker.
   */
  public Future<Void> stop() {
    return stop(DRAIN_TIMEOUT);
  }

  /** {@link #stop()} waiting at most {@code drainTimeout} for the messages in hand. */
  public Future<Void> stop(Duration drainTimeout) {
    return consumer
        .pause()
        .compose(v -> drained(System.currentTimeMillis() + drainTimeout.toMillis()))
        .eventually(
            () -> {
              consumer.close();
              return Future.succeededFuture();
            });
  }

  /** Stops at once, without waiting for messages in hand (the broker redelivers them). */
  @Override
  public void close() {
    consumer.close();
  }

  private Future<Void> drained(long deadline) {
    if (consumer.unacked() <= 0
        || !consumer.isChannelOpen()
        || System.currentTimeMillis() > deadline) {
      if (consumer.unacked() > 0) {
        LOG.warn(
            "stopping with {} messages of {} unfinished; the broker redelivers them",
            consumer.unacked(),
            flow.queue());
      }
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(v -> drained(deadline));
  }
}
