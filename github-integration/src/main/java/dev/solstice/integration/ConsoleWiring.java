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
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
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
 * the shared write budget, the meters), behind the login's admin guard.
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
