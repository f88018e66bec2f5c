package dev.solstice.integration.execution;

import dev.solstice.integration.jobtoken.JobTokens;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobStatus;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Issue 13: a job's token, issued as the job is published and ended once its final result was
 * processed. Only jobs of an installation carry one (their {@code github} object names the
 * permissions); the token is issued for the job's repository with exactly those permissions.
 */
public final class JobCredentials {

  private final JobTokens tokens;
  private final Supplier<String> gatewayUrl;
  private final Consumer<String> events;

  /**
   * @param gatewayUrl the gateway's base URL as jobs reach it (known once its listener is bound)
   * @param events told {@code issued} for each token issued and {@code ended} for each job whose
   *     tokens were ended (for metrics)
   */
  public JobCredentials(JobTokens tokens, Supplier<String> gatewayUrl, Consumer<String> events) {
    this.tokens = tokens;
    this.gatewayUrl = gatewayUrl;
    this.events = events;
  }

  /** The jobs, each with its own token; in order. */
  public Future<List<JobRequest>> attach(List<JobRequest> jobs) {
    return PlanExecutor.inOrder(jobs, this::attach);
  }

  /** The job with a token, or unchanged when it has no installation or already carries one. */
  public Future<JobRequest> attach(JobRequest job) {
    if (job.github() == null
        || job.github().token() != null
        || job.installationId() == null
        || job.repository() == null) {
      return Future.succeededFuture(job);
    }
    return tokens
        .issue(
            job.requestId(),
            job.repository(),
            job.installationId(),
            job.github().permissions(),
            job.timeoutSeconds())
        .onSuccess(issued -> events.accept("issued"))
        .map(
            issued ->
                job.withGitHub(
                    job.github().withToken(gatewayUrl.get(), issued.token(), issued.expiresAt())));
  }

  /**
   * Ends the job's token after the grace once its final ({@code completed}) result is processed.
   */
  public Future<Void> finished(JobResult result) {
    return result.status() == JobStatus.COMPLETED
        ? tokens
            .finished(result.requestId())
            .onSuccess(
                ended -> {
                  if (ended) {
                    events.accept("ended");
                  }
                })
            .mapEmpty()
        : Future.succeededFuture();
  }
}
