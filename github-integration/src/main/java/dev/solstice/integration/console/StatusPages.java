package dev.solstice.integration.console;

import static dev.solstice.integration.console.ConsoleHtml.BASE;
import static dev.solstice.integration.console.ConsoleHtml.code;
import static dev.solstice.integration.console.ConsoleHtml.text;
import static dev.solstice.integration.console.ConsoleHtml.time;
import static org.owasp.encoder.Encode.forHtml;

import dev.solstice.integration.console.ConsoleRoutes.Page;
import dev.solstice.integration.github.RedisWriteBudget;
import dev.solstice.integration.ops.QueueDepthGauge;
import dev.solstice.integration.record.RecordQueries;
import dev.solstice.integration.recovery.MissedDeliveryJob;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Missed-delivery recoveries, installations with their budgets, queue depths. */
final class StatusPages {

  private final ConsoleSources sources;
  private final ConsoleRoutes routes;

  StatusPages(ConsoleSources sources, ConsoleRoutes routes) {
    this.sources = sources;
    this.routes = routes;
  }

  void recoveries(RoutingContext ctx) {
    String current = BASE + "/recoveries";
    Optional<MissedDeliveryJob> job = sources.missed().get();
    StringBuilder b = new StringBuilder();
    if (job.isEmpty()) {
      b.append(
          "<p>The missed-delivery job is off (<code>MISSED_DELIVERIES</code>, or no GitHub App):"
              + " nothing asks GitHub to redeliver what it failed to send.</p>\n");
      routes.page(ctx, 200, "Missed-delivery recoveries", current, b.toString());
      return;
    }
    b.append(
        "<p>Runs of this replica that read GitHub's delivery log and asked it to redeliver what"
            + " never reached the service, newest first (the last "
            + 20
            + "; replicas take turns).</p>\n");
    List<MissedDeliveryJob.Run> runs = job.get().recentRuns();
    if (runs.isEmpty()) {
      b.append("<p>No run has ended in this process yet.</p>\n");
    } else {
      ConsoleHtml.tableStart(
          b,
          "Recovery runs",
          List.of(
              "Ended (UTC)",
              "Pages",
              "Attempts read",
              "Deliveries",
              "Redelivered",
              "Already processed",
              "Given up",
              "Checkpoint (UTC)",
              "Complete"));
      for (MissedDeliveryJob.Run run : runs) {
        MissedDeliveryJob.Report r = run.report();
        b.append("<tr><td>")
            .append(time(run.endedAt()))
            .append("</td><td class=\"num\">")
            .append(r.pages())
            .append("</td><td class=\"num\">")
            .append(r.attempts())
            .append("</td><td class=\"num\">")
            .append(r.guids())
            .append("</td><td>")
            .append(
                r.redelivered().isEmpty()
                    ? "0"
                    : forHtml(r.redelivered().size() + ": " + r.redelivered()))
            .append("</td><td class=\"num\">")
            .append(r.alreadyProcessed())
            .append("</td><td class=\"num\">")
            .append(r.gaveUp())
            .append("</td><td>")
            .append(time(r.checkpoint()))
            .append("</td><td>")
            .append(r.complete() ? "yes" : "no, resumes next run")
            .append("</td></tr>\n");
      }
      ConsoleHtml.tableEnd(b);
    }
    routes.page(ctx, 200, "Missed-delivery recoveries", current, b.toString());
  }

  void installations(RoutingContext ctx) {
    String current = BASE + "/installations";
    if (sources.record() == null) {
      routes.page(
          ctx,
          200,
          "Installations",
          current,
          "<p>There is no record of installations: set <code>DATABASE_URL</code>.</p>");
      return;
    }
    routes.render(
        ctx,
        sources.record().installations().compose(this::withBudgets),
        rows -> Page.ok("Installations", current, installations(rows)),
        "read the installations");
  }

  private record Row(RecordQueries.Installation installation, RedisWriteBudget.Usage usage) {}

  private Future<List<Row>> withBudgets(List<RecordQueries.Installation> list) {
    List<Future<Row>> rows = new ArrayList<>();
    for (RecordQueries.Installation i : list) {
      rows.add(
          sources.budget() == null
              ? Future.succeededFuture(new Row(i, null))
              : sources
                  .budget()
                  .usage(Long.toString(i.id()))
                  .map(u -> new Row(i, u))
                  .otherwise(new Row(i, null)));
    }
    return Future.all(rows).map(all -> all.<Row>list());
  }

  private String installations(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append("<p>Write budget: writes started or reserved in the last minute and hour against")
        .append(" the limits of each installation")
        .append(
            sources.pacing() == null
                ? ""
                : " ("
                    + sources.pacing().writesPerMinute()
                    + "/min, "
                    + sources.pacing().writesPerHour()
                    + "/h)")
        .append(
            sources.budget() == null
                ? "; without <code>REDIS_URL</code> each process paces itself and keeps no shared"
                    + " count"
                : ", shared by every replica in Redis")
        .append(". Rate limit: the last <code>x-ratelimit-remaining</code> GitHub sent this")
        .append(" replica for the installation.</p>\n");
    b.append("<p>The App itself (JWT calls): rate limit remaining ")
        .append(rateLimit("app"))
        .append(".</p>\n");
    if (rows.isEmpty()) {
      b.append("<p>The record knows no installation yet.</p>\n");
      return b.toString();
    }
    ConsoleHtml.tableStart(
        b,
        "Installations",
        List.of(
            "Installation",
            "Account",
            "State",
            "Repositories",
            "Writes last minute",
            "Writes last hour",
            "Rate limit remaining"));
    for (Row row : rows) {
      RecordQueries.Installation i = row.installation();
      b.append("<tr><th scope=\"row\">")
          .append(ConsoleHtml.link(BASE + "?installation=" + i.id(), Long.toString(i.id())))
          .append("</th><td>")
          .append(text(i.accountLogin()))
          .append(
              i.accountType() == null
                  ? ""
                  : " <span class=\"muted\">(" + forHtml(i.accountType()) + ")</span>")
          .append("</td><td>")
          .append(text(i.state()))
          .append("</td><td>");
      if (i.repositories().isEmpty()) {
        b.append(
            "all".equals(i.repositorySelection()) ? "all (none recorded yet)" : "none recorded");
      } else {
        b.append("<ul>");
        i.repositories()
            .forEach(
                r ->
                    b.append("<li>")
                        .append(
                            ConsoleHtml.link(
                                BASE
                                    + "?repository="
                                    + org.owasp.encoder.Encode.forUriComponent(r.fullName()),
                                r.fullName()))
                        .append(
                            Boolean.TRUE.equals(r.isPrivate())
                                ? " <span class=\"muted\">(private)</span>"
                                : "")
                        .append("</li>"));
        b.append("</ul>");
      }
      RedisWriteBudget.Usage u = row.usage();
      b.append("</td><td class=\"num\">")
          .append(u == null ? "–" : u.lastMinute() + " of " + u.perMinute())
          .append("</td><td class=\"num\">")
          .append(u == null ? "–" : u.lastHour() + " of " + u.perHour())
          .append("</td><td class=\"num\">")
          .append(rateLimit(Long.toString(i.id())))
          .append("</td></tr>\n");
    }
    ConsoleHtml.tableEnd(b);
    return b.toString();
  }

  private String rateLimit(String lane) {
    Gauge g =
        sources.registry().find("github_ratelimit_remaining").tag("installation", lane).gauge();
    return g == null ? "not seen yet" : ConsoleHtml.number(g.value());
  }

  void queues(RoutingContext ctx) {
    StringBuilder b =
        new StringBuilder(
            "<p>Messages ready and consumers attached, as the service polls them every few seconds"
                + " (<code>solstice_queue_depth</code>, <code>solstice_queue_consumers</code>).</p>\n");
    ConsoleHtml.tableStart(b, "Queues", List.of("Queue", "Ready", "Consumers"));
    for (QueueDepthGauge.Depth d : sources.depths().snapshot()) {
      b.append("<tr><th scope=\"row\">")
          .append(code(d.queue()))
          .append("</th><td class=\"num\">")
          .append(ConsoleHtml.number(d.ready()))
          .append("</td><td class=\"num\">")
          .append(ConsoleHtml.number(d.consumers()))
          .append("</td></tr>\n");
    }
    ConsoleHtml.tableEnd(b);
    routes.page(ctx, 200, "Queues", BASE + "/queues", b.toString());
  }
}
