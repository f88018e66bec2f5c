package dev.solstice.bench;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Matches each JobRequest to the webhook that caused it, by delivery id (the JobRequest's {@code
 * x-github-delivery} header), so the latency to the queue is measured on one clock: the bench's,
 * from the moment the webhook was due.
 */
final class DeliveryTracker {
  private record Pending(PhaseStats phase, long intended, AtomicInteger jobs) {}

  private final int jobsPerDelivery;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile PhaseStats current;
  private volatile Consumer<PhaseStats> onComplete = p -> {};
  private final java.util.concurrent.atomic.LongAdder unmatched =
      new java.util.concurrent.atomic.LongAdder();
  private volatile long lastJobNanos = System.nanoTime();

  DeliveryTracker(int jobsPerDelivery) {
    this.jobsPerDelivery = jobsPerDelivery;
  }

  /**
   * The phase whose window counts job arrivals; {@code completion} runs when a delivery got all its
   * jobs.
   */
  void begin(PhaseStats phase, Consumer<PhaseStats> completion) {
    current = phase;
    onComplete = completion;
  }

  String newDelivery(PhaseStats phase, long intendedNanos) {
    String id = UUID.randomUUID().toString();
    pending.put(id, new Pending(phase, intendedNanos, new AtomicInteger()));
    return id;
  }

  /** The webhook was not accepted: no JobRequest will come. */
  void abandon(String deliveryId) {
    pending.remove(deliveryId);
  }

  /** Called from the AMQP consumer thread for every JobRequest. */
  void jobArrived(String deliveryId, long nanos) {
    lastJobNanos = nanos;
    PhaseStats now = current;
    if (now != null && now.inWindow(nanos)) {
      now.jobsInWindow.increment();
    }
    Pending p = deliveryId == null ? null : pending.get(deliveryId);
    if (p == null) {
      unmatched.increment();
      return;
    }
    PhaseStats.record(p.phase.jobFromIntended, p.intended, nanos);
    p.phase.jobsOfPhase.increment();
    if (p.jobs.incrementAndGet() >= jobsPerDelivery) {
      pending.remove(deliveryId);
      p.phase.deliveriesCompleted.increment();
      onComplete.accept(p.phase);
    }
  }

  /** Deliveries accepted or in flight whose JobRequests have not all arrived. */
  int outstanding() {
    return pending.size();
  }

  /** Forget deliveries that will never complete (their intake messages were purged). */
  void forgetOutstanding() {
    pending.clear();
  }

  long unmatched() {
    return unmatched.sum();
  }

  long nanosSinceLastJob() {
    return System.nanoTime() - lastJobNanos;
  }
}
