package dev.solstice.integration.intake;

import dev.solstice.integration.amqp.JobPublisher;
import dev.solstice.integration.webhook.BuildTrigger;
import dev.solstice.integration.webhook.WebhookEvent;
import dev.solstice.integration.webhook.WebhookParser;
import io.vertx.core.Future;

/**
 * Turns one delivery from the intake queue into confirmed JobRequests: skip it if the ledger has
 * it, plan its jobs (GitHub work happens there), publish them with confirms, then record it done.
 * A failure anywhere fails the future and nothing is recorded, so the delivery is processed again.
 */
public final class DeliveryProcessor {

  /** What processing did with a delivery. */
  public enum Outcome { PUBLISHED, DUPLICATE, IGNORED }

  private final WebhookParser parser;
  private final JobPlanner planner;
  private final JobPublisher publisher;
  private final DeliveryLedger ledger;

  public DeliveryProcessor(WebhookParser parser, JobPlanner planner, JobPublisher publisher, DeliveryLedger ledger) {
    this.parser = parser;
    this.planner = planner;
    this.publisher = publisher;
    this.ledger = ledger;
  }

  public Future<Outcome> process(WebhookDelivery delivery) {
    return ledger.isDone(delivery.deliveryId()).compose(done -> {
      if (done) {
        return Future.succeededFuture(Outcome.DUPLICATE);
      }
      WebhookEvent event = parser.parse(delivery.event(), delivery.body());
      if (!(event instanceof BuildTrigger trigger)) {
        return Future.succeededFuture(Outcome.IGNORED);
      }
      return planner.plan(trigger, delivery)
          .compose(publisher::publishAll)
          .compose(v -> ledger.markDone(delivery.deliveryId()))
          .map(Outcome.PUBLISHED);
    });
  }
}
