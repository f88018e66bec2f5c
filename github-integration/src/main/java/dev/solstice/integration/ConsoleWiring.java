package dev.solstice.integration;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.console.ConsoleGuard;
import dev.solstice.integration.console.ConsoleRoutes;
import dev.solstice.integration.console.ConsoleSources;
import dev.solstice.integration.console.ParkedMessages;
import dev.solstice.integration.execution.RunStore;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.RedisWriteBudget;
import dev.solstice.integration.ops.QueueDepthGauge;
import dev.solstice.integration.record.RecordQueries;
import dev.solstice.integration.recovery.MissedDeliveryJob;
import dev.solstice.integration.recovery.Redelivery;
import dev.solstice.integration.web.Access;
import dev.solstice.integration.web.Viewer;
import dev.solstice.integration.web.WebAuth;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The operator console's part of the assembly (issue 16): its sources taken from the parts the
 * service already runs (the record's database, the flows' dead-letter queues, the run state and
 * check-run map, the GitHub client's redelivery, the missed-delivery job, the queue-depth poller,
 * the shared write budget, the meters), behind the login's admin check ({@code CONSOLE_ADMINS}),
 * sessions and CSRF protection. Without GitHub login configured every console page is the 404 page.
 */
final class ConsoleWiring implements AutoCloseable {

  private final RecordQueries record;
  private final ConsoleRoutes routes;

  /** The service's parts the console reads; each may be null where the service runs without it. */
  record Parts(
      Vertx vertx,
      AppConfig config,
      MeterRegistry registry,
      QueueDepthGauge depths,
      Supplier<Optional<MissedDeliveryJob>> missed,
      GitHubClient github,
      RedisAPI redis,
      RunStore runs,
      CheckRunMap checkRuns) {}

  ConsoleWiring(Parts p, ConsoleGuard guard) {
    AppConfig config = p.config();
    this.record =
        config.record().enabled()
            ? new RecordQueries(p.vertx(), config.record().databaseUrl())
            : null;
    Map<String, dev.solstice.jobrequest.amqp.QueueTopology> flows = new LinkedHashMap<>();
    flows.put("intake", config.intake());
    flows.put("results", config.results());
    flows.put("jobs", config.jobs());
    RedisWriteBudget budget =
        p.redis() == null || config.github() == null
            ? null
            : new RedisWriteBudget(
                p.redis(),
                config.github().writeBudgetPrefix(),
                config.github().pacing(),
                Clock.systemUTC());
    this.routes =
        new ConsoleRoutes(
            new ConsoleSources(
                record,
                new ParkedMessages(p.vertx(), config.amqpUri(), flows),
                p.runs(),
                p.checkRuns(),
                p.github() == null
                    ? null
                    : new Redelivery(p.github(), config.missedDeliveries().maxPages()),
                p.missed(),
                p.depths(),
                budget,
                config.github() == null ? null : config.github().pacing(),
                p.registry()),
            guard);
  }

  /** The login's admin check, sessions and CSRF protection, as the console asks for them. */
  static ConsoleGuard guard(WebAuth auth) {
    return new ConsoleGuard() {
      @Override
      public void protect(Router router, String path) {
        auth.protect(router, path);
      }

      @Override
      public Handler<RoutingContext> adminOnly() {
        return auth.access().requireAdmin();
      }

      @Override
      public String csrfField() {
        return Access.CSRF_FIELD;
      }

      @Override
      public String csrfToken(RoutingContext ctx) {
        return Access.csrfToken(ctx);
      }

      @Override
      public String user(RoutingContext ctx) {
        Viewer viewer = auth.access().viewer(ctx);
        return viewer.anonymous() ? null : viewer.login();
      }
    };
  }

  void mount(Router router) {
    routes.mount(router);
  }

  @Override
  public void close() {
    if (record != null) {
      record.close();
    }
  }
}
