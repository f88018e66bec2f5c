package dev.solstice.integration;

import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.execution.JobCredentials;
import dev.solstice.integration.gateway.ClientBudget;
import dev.solstice.integration.gateway.ConditionalCache;
import dev.solstice.integration.gateway.CredentialPool;
import dev.solstice.integration.gateway.GatewayVerticle;
import dev.solstice.integration.gateway.SetAside;
import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.InstallationToken;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.TokenScope;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.jobtoken.InMemoryJobTokenStore;
import dev.solstice.integration.jobtoken.JobTokens;
import dev.solstice.integration.jobtoken.PoolSettings;
import dev.solstice.integration.jobtoken.RedisJobTokenStore;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.List;

/**
 * Issue 13: the gateway and its job tokens, assembled when {@code GATEWAY_ADDR} is set and a GitHub
 * App is configured; otherwise {@link #OFF}, which issues nothing.
 */
final class GatewayWiring {

  static final GatewayWiring OFF = new GatewayWiring(null, null);

  final GatewayVerticle verticle;
  final JobCredentials credentials;

  private GatewayWiring(GatewayVerticle verticle, JobCredentials credentials) {
    this.verticle = verticle;
    this.credentials = credentials;
  }

  static GatewayWiring create(
      Vertx vertx,
      AppConfig config,
      RedisAPI redis,
      WebClientGitHubClient github,
      MeterRegistry registry,
      Clock clock) {
    if (config.gateway() == null || github == null) {
      return OFF;
    }
    JobTokens tokens =
        new JobTokens(
            redis == null
                ? new InMemoryJobTokenStore(clock)
                : new RedisJobTokenStore(redis, config.redisKeys().jobTokens(), clock),
            config.gateway(),
            clock);
    GatewayMetrics metrics = new GatewayMetrics(registry);
    GatewayVerticle.InstallationTokens app = tokensOf(github);
    PoolSettings extra = config.gateway().pool();
    String apiBase = config.github().apiBase().toString();
    List<CredentialPool.ExtraApp> apps =
        extra.apps().stream()
            .map(
                a ->
                    new CredentialPool.ExtraApp(
                        a.name(),
                        a.installationId(),
                        tokensOf(
                            WebClientGitHubClient.builder(vertx)
                                .apiBase(apiBase)
                                .app(a.appId(), a.key())
                                .clock(clock)
                                .build())))
            .toList();
    CredentialPool pool =
        new CredentialPool(
            app,
            apps,
            extra.pats().stream().map(p -> new CredentialPool.Pat(p.name(), p.token())).toList(),
            redis == null
                ? SetAside.inMemory(clock)
                : SetAside.redis(redis, config.redisKeys().gatewayPool(), clock),
            metrics,
            clock);
    GatewayVerticle verticle =
        new GatewayVerticle(
            config.gateway(),
            tokens,
            new GatewayVerticle.GitHubUpstream(
                apiBase,
                app,
                redis == null
                    ? ConditionalCache.inMemory(10_000)
                    : ConditionalCache.redis(redis, config.redisKeys().gatewayCache())),
            metrics,
            redis == null
                ? ClientBudget.inMemory(clock)
                : ClientBudget.redis(redis, config.redisKeys().gatewayBudget(), clock),
            pool);
    return new GatewayWiring(
        verticle,
        new JobCredentials(
            tokens,
            verticle::publicUrl,
            // "ended": the job's final result was processed, its token revoked (after the grace).
            event -> metrics.jobToken("ended".equals(event) ? "revoked" : event)));
  }

  /** The App's (or an extra App's) installation tokens, as the gateway asks for them. */
  private static GatewayVerticle.InstallationTokens tokensOf(WebClientGitHubClient github) {
    return new GatewayVerticle.InstallationTokens() {
      @Override
      public Future<InstallationToken> token(long installationId, RepoRef repo, TokenScope scope) {
        return github.tokens().token(installationId, repo, scope);
      }

      @Override
      public Future<Void> invalidate(
          long installationId, RepoRef repo, TokenScope scope, String refused) {
        return github.tokens().invalidate(installationId, repo, scope, refused);
      }

      @Override
      public Future<AppInstallation> installationOf(RepoRef repo) {
        return github.repositoryInstallation(repo);
      }

      @Override
      public Future<AppInstallation> installation(long id) {
        return github.getInstallation(id);
      }
    };
  }

  /** The job with its token (unchanged when the gateway is off). */
  Future<JobRequest> attach(JobRequest job) {
    return credentials == null ? Future.succeededFuture(job) : credentials.attach(job);
  }

  /** Ends the job's token once its final result was processed. */
  Future<Void> finished(JobResult result) {
    return credentials == null ? Future.succeededFuture() : credentials.finished(result);
  }
}
