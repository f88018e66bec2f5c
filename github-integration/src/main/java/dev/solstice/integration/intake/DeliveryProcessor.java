package dev.solstice.integration.intake;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.core.WebhookEvent;
import dev.solstice.integration.execution.PlanExecutor;
import dev.solstice.integration.planning.Inputs;
import dev.solstice.integration.planning.Planner;
import dev.solstice.integration.planning.Step;
import dev.solstice.integration.record.DeliveryEntry;
import dev.solstice.integration.record.RecordStore;
import dev.solstice.integration.webhook.WebhookParser;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Turns one delivery from the intake queue into confirmed JobRequests: skip it if the ledger has
 * it, ask the {@link Planner} for its plan (reading through the {@link PlanExecutor} what the
 * planner asks for), have the executor carry the plan out, then record the delivery done. A failure
 * anywhere fails the future and nothing is recorded, so the delivery is processed again.
 */
public final class DeliveryProcessor {

  /** What processing did with a delivery. */
  public enum Outcome {
    PUBLISHED,
    DUPLICATE,
    IGNORED
  }

  private final WebhookParser parser = new WebhookParser();
  private final Planner planner;
  private final PlanExecutor executor;
  private final DeliveryLedger ledger;
  private final DeliveryLease lease;
  private final RecordStore record;
  private final Supplier<Future<Void>> gate;

  /**
   * @param record told what became of each delivery (written behind, never waited on); null for
   *     none
   * @param gate each delivery waits for the future it gives before it is processed: while the App
   *     credentials are known bad, work stays in hand (unacked, so in the queue) instead of failing
   *     towards the dead-letter queue
   * @param lease the claim that keeps other replicas off a delivery while this one processes it
   */
  public DeliveryProcessor(
      Planner planner,
      PlanExecutor executor,
      DeliveryLedger ledger,
      DeliveryLease lease,
      RecordStore record,
      Supplier<Future<Void>> gate) {
    this.planner = planner;
    this.executor = executor;
    this.ledger = ledger;
    this.lease = lease;
    this.record = record;
    this.gate = gate;
  }

  /**
   * Copies of one delivery in this process at the same time (a duplicate send, a redelivery after a
   * connection loss while the first copy is still being worked on) are processed one after the
   * other, so the second finds the first in the ledger instead of planning (and creating check
   * runs) a second time. Called on one event loop; the map is only touched there.
   */
  private final java.util.Map<String, Future<Outcome>> inFlight =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Future<Outcome> process(WebhookDelivery delivery) {
    return gate.get().compose(open -> processInTurn(delivery));
  }

  private Future<Outcome> processInTurn(WebhookDelivery delivery) {
    String id = delivery.deliveryId();
    Future<Outcome> before = inFlight.get(id);
    Future<Outcome> mine =
        before == null
            ? processClaimed(delivery)
            : before.transform(ignored -> processClaimed(delivery));
    inFlight.put(id, mine);
    return mine.onComplete(ar -> inFlight.remove(id, mine));
  }

  /**
   * Copies in other replicas wait for this one's claim; the ledger check comes after the claim, so
   * the second finds the delivery done.
   */
  private Future<Outcome> processClaimed(WebhookDelivery delivery) {
    return lease
        .acquire(delivery.deliveryId())
        .compose(held -> processOnce(delivery).andThen(ar -> held.release()));
  }

  private Future<Outcome> processOnce(WebhookDelivery delivery) {
    return ledger
        .isDone(delivery.deliveryId())
        .compose(
            done -> {
              if (done) {
                return Future.succeededFuture(Outcome.DUPLICATE);
              }
              WebhookEvent event = parser.parse(delivery.event(), delivery.body());
              if (event instanceof InstallationChange change) {
                return executor
                    .apply(change)
                    .compose(v -> ledger.markDone(delivery.deliveryId()))
                    .onSuccess(v -> record(Outcomes.applied(delivery, change)))
                    .map(Outcome.IGNORED);
              }
              if (!(event instanceof BuildTrigger trigger)) {
                record(Outcomes.ignored(delivery, event));
                return Future.succeededFuture(Outcome.IGNORED);
              }
              return executor
                  .installation(trigger.installationId())
                  .compose(
                      status ->
                          planAndExecute(
                              trigger, delivery.deliveryId(), Inputs.forInstallation(status)))
                  .compose(
                      plan ->
                          ledger
                              .markDone(delivery.deliveryId())
                              .onSuccess(v -> record(Outcomes.planned(delivery, trigger, plan))))
                  .map(Outcome.PUBLISHED);
            });
  }

  /** Tells the record that an attempt at a delivery failed, or was given up ({@code PARKED}). */
  public void failed(
      WebhookDelivery delivery, DeliveryEntry.Outcome outcome, String reason, int attempt) {
    record(
        DeliveryEntry.failed(
            delivery.deliveryId(),
            delivery.event(),
            delivery.receivedAt(),
            outcome,
            reason,
            attempt));
  }

  private void record(DeliveryEntry entry) {
    if (record != null) {
      record.delivery(entry);
    }
  }

  private Future<Plan> planAndExecute(BuildTrigger trigger, String deliveryId, Inputs inputs) {
    Step step;
    try {
      step = planner.plan(trigger, deliveryId, inputs);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (step instanceof Step.Done done) {
      return executor.execute(done.plan()).map(done.plan());
    }
    return executor
        .read((Step.Read) step, inputs)
        .compose(more -> planAndExecute(trigger, deliveryId, more));
  }
}
