package dev.solstice.integration.intake;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.core.WebhookEvent;
import dev.solstice.integration.record.DeliveryEntry;
import dev.solstice.integration.record.DeliveryEntry.Outcome;
import dev.solstice.jobrequest.JobRequest;
import java.util.List;

/** What the record keeps of a processed delivery, from what processing made of it. */
final class Outcomes {

  private Outcomes() {}

  static DeliveryEntry planned(WebhookDelivery d, BuildTrigger trigger, Plan plan) {
    Outcome outcome;
    String reason = plan.reason();
    if (!plan.jobs().isEmpty()) {
      outcome = Outcome.PUBLISHED;
    } else if (plan.notRun() != null && "neutral".equals(plan.notRun().conclusion())) {
      outcome = Outcome.HELD;
      reason = reason != null ? reason : plan.notRun().title();
    } else {
      outcome = Outcome.IGNORED;
      if (reason == null && plan.notRun() != null) {
        reason = plan.notRun().title();
      }
      if (reason == null) {
        reason = plan.invalidWorkflow() != null ? "invalid workflow" : "nothing to run";
      }
    }
    return entry(
        d,
        trigger.action(),
        trigger.installationId(),
        trigger.repository(),
        outcome,
        reason,
        plan.jobs().stream().map(JobRequest::requestId).toList());
  }

  static DeliveryEntry applied(WebhookDelivery d, InstallationChange change) {
    return entry(
        d,
        change.action(),
        change.installationId(),
        null,
        Outcome.APPLIED,
        "installation " + change.status().name().toLowerCase(java.util.Locale.ROOT),
        List.of());
  }

  static DeliveryEntry ignored(WebhookDelivery d, WebhookEvent event) {
    return entry(
        d,
        null,
        null,
        null,
        Outcome.IGNORED,
        event instanceof WebhookEvent.Ignored i ? i.reason() : "nothing to do",
        List.of());
  }

  private static DeliveryEntry entry(
      WebhookDelivery d,
      String action,
      Long installationId,
      String repository,
      Outcome outcome,
      String reason,
      List<java.util.UUID> requestIds) {
    return new DeliveryEntry(
        d.deliveryId(),
        d.event(),
        action,
        installationId,
        repository,
        d.receivedAt(),
        outcome,
        reason,
        d.attempt(),
        requestIds,
        null);
  }
}
