package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.util.List;

/**
 * Decides the jobs of a build trigger (and does the GitHub work that goes with them, such as
 * creating their check runs). Must be idempotent per delivery: planning the same delivery twice
 * yields the same request ids.
 */
@FunctionalInterface
public interface JobPlanner {
  Future<List<JobRequest>> plan(BuildTrigger trigger, WebhookDelivery delivery);
}
