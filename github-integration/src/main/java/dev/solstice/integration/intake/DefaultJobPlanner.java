package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/** One job per trigger, with no workflow: the orchestrator decides what to run. */
public final class DefaultJobPlanner implements JobPlanner {

  private final Clock clock;
  private final Function<String, String> runsOn;

  /** @param runsOn runner label for a repository full name (RUNS_ON_MAP, else RUNS_ON_DEFAULT) */
  public DefaultJobPlanner(Clock clock, Function<String, String> runsOn) {
    this.clock = clock;
    this.runsOn = runsOn;
  }

  @Override
  public Future<List<JobRequest>> plan(BuildTrigger trigger, WebhookDelivery delivery) {
    return Future.succeededFuture(List.of(defaultJob(trigger, delivery, clock, runsOn.apply(trigger.repository()))));
  }

  /** Where a job's log goes, relative to LOGS_BASE_URL. */
  public static String logPath(java.util.UUID requestId) {
    return "/logs/" + requestId + ".log";
  }

  /** The single job of a repository without a workflow file. */
  public static JobRequest defaultJob(BuildTrigger trigger, WebhookDelivery delivery, Clock clock, String runsOn) {
    return job(trigger, delivery, RequestIds.DEFAULT_JOB, clock).runsOn(runsOn).build();
  }

  /**
   * A job of this trigger with what every job carries (ids, commit, repository, event, log path);
   * the caller adds what is particular to the job.
   */
  public static JobRequest.Builder job(BuildTrigger trigger, WebhookDelivery delivery, String jobId, Clock clock) {
    var id = RequestIds.of(delivery.deliveryId(), jobId);
    return JobRequest.builder(id, trigger.repoUrl(), trigger.commitSha(), clock.instant())
        .repository(trigger.repository())
        .installationId(trigger.installationId())
        .event(trigger.event())
        .ref(trigger.ref())
        .pullRequestNumber(trigger.pullRequestNumber())
        .deliveryId(delivery.deliveryId())
        .logPath(logPath(id));
  }

}
