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
    IGNORED,
    /** Waits in its installation's lane (issue 14): the intake message can be acked. */
    SET_ASIDE,
    /** Served from its lane after a newer head of its group was set aside: nothing written. */
    SUPERSEDED
  }

  /** Where a delivery comes from: the intake queue (maybe a safety copy) or its lane. */
  private enum Source {
    INTAKE,
    SAFETY_COPY,
    LANE
  }

  static final String SUPERSEDED_IN_LANE =
      "superseded before anything was written: a newer head of its group waits in the same lane";

  private final WebhookParser parser = new WebhookParser();
  private final Planner planner;
  private final PlanExecutor executor;
  private final DeliveryLedger ledger;
  private final DeliveryLease lease;
  private final RecordStore record;
  private final Supplier<Future<Void>> gate;
  private final FairShare fair;

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
    this(planner, executor, ledger, lease, record, gate, null);
  }

  /**
   * @param fair sets aside deliveries whose installation cannot write soon (issue 14); null to
   *     carry every delivery out in its intake slot
   */
  public DeliveryProcessor(
      Planner planner,
      PlanExecutor executor,
      DeliveryLedger ledger,
      DeliveryLease lease,
      RecordStore record,
      Supplier<Future<Void>> gate,
      FairShare fair) {
    this.fair = fair;
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
    return process(delivery, false);
  }

  /**
   * @param safetyCopy the message is the safety copy of a set-aside delivery ({@link
   *     FairShare#SAFETY_COPY_HEADER}), back from the delay queue
   */
  public Future<Outcome> process(WebhookDelivery delivery, boolean safetyCopy) {
    Source source = safetyCopy ? Source.SAFETY_COPY : Source.INTAKE;
    return gate.get().compose(open -> processInTurn(delivery, source));
  }

  /** Carries out a delivery taken from its installation's lane (the caller holds its turn). */
  public Future<Outcome> processFromLane(WebhookDelivery delivery) {
    return gate.get().compose(open -> processInTurn(delivery, Source.LANE));
  }

  private Future<Outcome> processInTurn(WebhookDelivery delivery, Source source) {
    String id = delivery.deliveryId();
    Future<Outcome> before = inFlight.get(id);
    Future<Outcome> mine =
        before == null
            ? processClaimed(delivery, source)
            : before.transform(ignored -> processClaimed(delivery, source));
    inFlight.put(id, mine);
    return mine.onComplete(ar -> inFlight.remove(id, mine));
  }

  /**
   * Copies in other replicas wait for this one's claim; the ledger check comes after the claim, so
   * the second finds the delivery done.
   */
  private Future<Outcome> processClaimed(WebhookDelivery delivery, Source source) {
    return lease
        .acquire(delivery.deliveryId())
        .compose(held -> processOnce(delivery, source).andThen(ar -> held.release()));
  }

  private Future<Outcome> processOnce(WebhookDelivery delivery, Source source) {
    return ledger
        .isDone(delivery.deliveryId())
        .compose(
            done -> {
              if (done) {
                return Future.succeededFuture(Outcome.DUPLICATE);
              }
              if (fair == null || source == Source.LANE) {
                return processNew(delivery, source);
              }
              return fair.waitsInLane(delivery, source == Source.SAFETY_COPY)
                  .compose(
                      waits ->
                          waits
                              ? Future.succeededFuture(Outcome.SET_ASIDE)
                              : processNew(delivery, source));
            });
  }

  private Future<Outcome> processNew(WebhookDelivery delivery, Source source) {
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
    if (fair == null || source == Source.LANE || trigger.installationId() == null) {
      return carryOut(delivery, trigger, source == Source.LANE);
    }
    return fair.admit(trigger, delivery)
        .compose(
            now ->
                now
                    ? carryOut(delivery, trigger, false)
                        .andThen(ar -> fair.done(trigger.installationId()))
                    : Future.succeededFuture(Outcome.SET_ASIDE));
  }

  private Future<Outcome> carryOut(
      WebhookDelivery delivery, BuildTrigger trigger, boolean fromLane) {
    return executor
        .installation(trigger.installationId())
        .compose(
            status ->
                planAndExecute(
                    trigger, delivery.deliveryId(), Inputs.forInstallation(status), fromLane))
        .compose(
            plan ->
                ledger
                    .markDone(delivery.deliveryId())
                    .onSuccess(v -> record(Outcomes.planned(delivery, trigger, plan)))
                    .map(
                        v ->
                            SUPERSEDED_IN_LANE.equals(plan.reason())
                                ? Outcome.SUPERSEDED
                                : Outcome.PUBLISHED));
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

  private Future<Plan> planAndExecute(
      BuildTrigger trigger, String deliveryId, Inputs inputs, boolean fromLane) {
    Step step;
    try {
      step = planner.plan(trigger, deliveryId, inputs);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (step instanceof Step.Done done) {
      Plan plan = done.plan();
      if (!fromLane) {
        return executor.execute(plan).map(plan);
      }
      // Write economy: a head superseded while it waited is dropped before any write of its own.
      return fair.supersededInLane(plan, deliveryId)
          .compose(
              superseded ->
                  superseded
                      ? Future.succeededFuture(Plan.nothing(plan.target(), SUPERSEDED_IN_LANE))
                      : executor.execute(plan).map(plan));
    }
    return executor
        .read((Step.Read) step, inputs)
        .compose(more -> planAndExecute(trigger, deliveryId, more, fromLane));
  }
}
