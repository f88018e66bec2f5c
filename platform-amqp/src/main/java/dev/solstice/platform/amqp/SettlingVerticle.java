package dev.solstice.platform.amqp;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;

/**
 * A verticle that consumes one flow through a {@link SettlingConsumer}: subclasses say what a
 * message does ({@link #handle}) and log and count failures in the {@link
 * SettlingConsumer.Outcomes} hooks, which they override here ({@link #retrying}, {@link #parking},
 * {@link #rescheduleFailed}). Stopping is graceful: nothing new is taken, the messages in hand
 * finish (bounded), and whatever is still unacked then is redelivered.
 */
public abstract class SettlingVerticle extends VerticleBase {

  private final SettlingConsumer.Settings settings;
  private SettlingConsumer consumer;

  protected SettlingVerticle(SettlingConsumer.Settings settings) {
    this.settings = settings;
  }

  /** The message's side effects; a failed future (or a throw) is judged by the policy. */
  protected abstract Future<Void> handle(Delivery message);

  /** See {@link SettlingConsumer.Outcomes#retrying}. */
  protected void retrying(Delivery message, SettlingConsumer.Failure failure) {}

  /** See {@link SettlingConsumer.Outcomes#parking}. */
  protected void parking(Delivery message, SettlingConsumer.Failure failure) {}

  /** See {@link SettlingConsumer.Outcomes#rescheduleFailed}. */
  protected void rescheduleFailed(
      Delivery message, SettlingConsumer.Failure failure, Throwable error, Duration wait) {}

  protected final SettlingConsumer.Settings settings() {
    return settings;
  }

  @Override
  public Future<?> start() {
    consumer = new SettlingConsumer(context, settings, this::handle, new Hooks());
    return Future.succeededFuture();
  }

  /** True while the consumer is registered on an open channel. */
  public boolean isConsuming() {
    return consumer != null && consumer.isConsuming();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }

  private final class Hooks implements SettlingConsumer.Outcomes {
    @Override
    public void retrying(Delivery message, SettlingConsumer.Failure failure) {
      SettlingVerticle.this.retrying(message, failure);
    }

    @Override
    public void parking(Delivery message, SettlingConsumer.Failure failure) {
      SettlingVerticle.this.parking(message, failure);
    }

    @Override
    public void rescheduleFailed(
        Delivery message, SettlingConsumer.Failure failure, Throwable error, Duration wait) {
      SettlingVerticle.this.rescheduleFailed(message, failure, error, wait);
    }
  }
}
