package dev.solstice.integration.execution;

import dev.solstice.integration.jobtoken.JobTokens;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobStatus;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Issue 13: a job's token, issued as the job is published and ended once its final result was
 * processed. Only jobs of an installation carry one (their {@code github} object names the
 * permissions); the token is issued for the job's repository with exactly those permissions.
 */
public final class JobCredentials {

  private final JobTokens tokens;
  private final Supplier<String> gatewayUrl;

  /**
   * @param gatewayUrl the gateway's base URL as jobs reach it (known once its listener is bound)
   */
  public JobCredentials(JobTokens tokens, Supplier<String> gatewayUrl) {
    this.tokens = tokens;
    this.gatewayUrl = gatewayUrl;
  }

  /** The jobs, each with its own token; in order. */
  public Future<List<JobRequest>> attach(List<JobRequest> jobs) {
    Future<List<JobRequest>> chain = Future.succeededFuture(new ArrayList<>());
    for (JobRequest job : jobs) {
      chain =
          chain.compose(
              done ->
                  attach(job)
                      .map(
                          j -> {
                            done.add(j);
                            return done;
                          }));
    }
    return chain;
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
        ? tokens.finished(result.requestId()).mapEmpty()
        : Future.succeededFuture();
  }
}
