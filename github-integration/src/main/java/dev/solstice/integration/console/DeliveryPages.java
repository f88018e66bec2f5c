package dev.solstice.integration.console;

import static dev.solstice.integration.console.ConsoleHtml.BASE;
import static dev.solstice.integration.console.ConsoleHtml.code;
import static dev.solstice.integration.console.ConsoleHtml.fact;
import static dev.solstice.integration.console.ConsoleHtml.text;
import static dev.solstice.integration.console.ConsoleHtml.time;
import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;
import static org.owasp.encoder.Encode.forUriComponent;

import dev.solstice.integration.console.ConsoleRoutes.Page;
import dev.solstice.integration.core.JobLinks;
import dev.solstice.integration.github.HookDelivery;
import dev.solstice.integration.record.RecordQueries;
import dev.solstice.integration.record.RecordQueries.Delivery;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The deliveries list with its filters, one delivery's detail, and its redelivery. */
final class DeliveryPages {

  static final int PAGE_SIZE = 50;

  private final ConsoleSources sources;
  private final ConsoleRoutes routes;

  DeliveryPages(ConsoleSources sources, ConsoleRoutes routes) {
    this.sources = sources;
    this.routes = routes;
  }

  void list(RoutingContext ctx) {
    DeliveryQuery query = DeliveryQuery.parse(ctx.queryParams());
    if (sources.record() == null) {
      routes.page(ctx, 200, "Deliveries", BASE, noRecord());
      return;
    }
    if (!query.problems().isEmpty()) {
      StringBuilder b = new StringBuilder();
      query.problems().forEach(p -> b.append(ConsoleHtml.status(p, true)));
      b.append(filters(query));
      routes.page(ctx, 400, "Deliveries", BASE, b.toString());
      return;
    }
    routes.render(
        ctx,
        sources.record().deliveries(query.filter(), query.page(), PAGE_SIZE),
        page -> Page.ok("Deliveries", BASE, deliveries(query, page)),
        "read the deliveries");
  }

  private static String noRecord() {
    return "<p>There is no record of deliveries: set <code>DATABASE_URL</code> (see"
        + " docs/configuration.md).</p>";
  }

  /**
   * Events offered in the filter (any other name can be typed): those the service acts on or
   * records. A list of the record's distinct events would scan the whole retention window.
   */
  static final List<String> EVENTS =
      List.of(
          "push",
          "pull_request",
          "check_run",
          "check_suite",
          "issue_comment",
          "installation",
          "installation_repositories",
          "ping");

  private static String filters(DeliveryQuery q) {
    StringBuilder b =
        new StringBuilder(
            "<form class=\"filters\" method=\"get\" action=\""
                + BASE
                + "\" role=\"search\""
                + " aria-label=\"Filter deliveries\">\n");
    input(b, q, "installation", "Installation id", "number", "");
    input(b, q, "repository", "Repository", "text", "owner/name");
    input(b, q, "event", "Event", "text", "any", "f-events");
    b.append("<datalist id=\"f-events\">");
    EVENTS.forEach(e -> b.append("<option value=\"").append(e).append("\">"));
    b.append("</datalist>\n");
    b.append("<label for=\"f-outcome\">Outcome<select id=\"f-outcome\" name=\"outcome\">")
        .append("<option value=\"\">any</option>");
    for (String o : DeliveryQuery.OUTCOMES) {
      option(b, o, o.equals(q.values().get("outcome")));
    }
    b.append("</select></label>\n");
    input(b, q, "from", "Received from (UTC)", "datetime-local", "");
    input(b, q, "to", "Received before (UTC)", "datetime-local", "");
    b.append("<button type=\"submit\">Filter</button> <a href=\"" + BASE + "\">Clear</a>\n")
        .append("</form>\n");
    return b.toString();
  }

  private static void input(
      StringBuilder b, DeliveryQuery q, String name, String label, String type, String hint) {
    input(b, q, name, label, type, hint, null);
  }

  private static void input(
      StringBuilder b,
      DeliveryQuery q,
      String name,
      String label,
      String type,
      String hint,
      String list) {
    String value = q.values().getOrDefault(name, "");
    b.append("<label for=\"f-")
        .append(name)
        .append("\">")
        .append(forHtml(label))
        .append("<input id=\"f-")
        .append(name)
        .append("\" name=\"")
        .append(name)
        .append("\" type=\"")
        .append(type)
        .append("\" value=\"")
        .append(forHtmlAttribute(value))
        .append('"')
        .append(hint.isEmpty() ? "" : " placeholder=\"" + forHtmlAttribute(hint) + "\"")
        .append(list == null ? "" : " list=\"" + list + "\"")
        .append("></label>\n");
  }

  private static void option(StringBuilder b, String value, boolean selected) {
    b.append("<option value=\"")
        .append(forHtmlAttribute(value))
        .append('"')
        .append(selected ? " selected" : "")
        .append('>')
        .append(forHtml(value))
        .append("</option>");
  }

  private static String deliveries(DeliveryQuery q, RecordQueries.Page page) {
    StringBuilder b = new StringBuilder(filters(q));
    if (page.deliveries().isEmpty()) {
      b.append("<p>No deliveries match.</p>\n");
    } else {
      ConsoleHtml.tableStart(
          b,
          "Deliveries, newest first (page " + (page.page() + 1) + ")",
          List.of(
              "Received (UTC)",
              "Delivery",
              "Event",
              "Repository",
              "Installation",
              "Outcome",
              "Reason",
              "Jobs"));
      for (Delivery d : page.deliveries()) {
        b.append("<tr><td>")
            .append(time(d.receivedAt()))
            .append("</td><td>")
            .append(ConsoleHtml.deliveryLink(d.deliveryId()))
            .append("</td><td>")
            .append(text(d.event() + (d.action() == null ? "" : "." + d.action())))
            .append("</td><td>")
            .append(text(d.repository()))
            .append("</td><td>")
            .append(text(d.installationId()))
            .append("</td><td class=\"outcome-")
            .append(forHtmlAttribute(d.outcome()))
            .append("\">")
            .append(text(d.outcome()))
            .append("</td><td>")
            .append(text(d.reason()))
            .append("</td><td class=\"num\">")
            .append(d.requestIds().size())
            .append("</td></tr>\n");
      }
      ConsoleHtml.tableEnd(b);
    }
    b.append("<nav aria-label=\"Pages\"><p>");
    if (page.page() > 0) {
      b.append(ConsoleHtml.link(q.pageLink(page.page() - 1), "← Newer")).append(' ');
    }
    if (page.more()) {
      b.append(ConsoleHtml.link(q.pageLink(page.page() + 1), "Older →"));
    }
    b.append("</p></nav>\n");
    return b.toString();
  }

  void detail(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (sources.record() == null) {
      routes.page(ctx, 200, "Delivery", BASE, noRecord());
      return;
    }
    sources
        .record()
        .delivery(id)
        .compose(
            d ->
                d.isEmpty()
                    ? Future.succeededFuture(null)
                    : Future.all(jobs(d.get()), attempts(id))
                        .map(
                            all ->
                                detail(
                                    ctx,
                                    d.get(),
                                    all.<List<Job>>resultAt(0),
                                    all.<Attempts>resultAt(1))))
        .onSuccess(
            html -> {
              if (html == null) {
                routes.page(
                    ctx,
                    404,
                    "Delivery not found",
                    BASE,
                    "<p>The record has no delivery " + code(id) + ".</p>");
              } else {
                routes.page(ctx, 200, "Delivery " + id, BASE, html);
              }
            })
        .onFailure(err -> routes.failed(ctx, "read delivery " + id, err));
  }

  /** A job the delivery produced, with its state and check run where known. */
  record Job(UUID requestId, Optional<JobRequest> request, String state, Optional<Long> checkRun) {}

  private Future<List<Job>> jobs(Delivery d) {
    List<Future<Job>> each = new ArrayList<>();
    for (UUID id : d.requestIds()) {
      each.add(
          job(id)
              .otherwise(
                  new Job(id, Optional.empty(), "unknown (could not read)", Optional.empty())));
    }
    return Future.all(each).map(all -> all.<Job>list());
  }

  private Future<Job> job(UUID id) {
    Future<Optional<Long>> checkRun =
        sources.checkRuns() == null
            ? Future.succeededFuture(Optional.empty())
            : sources.checkRuns().get(id);
    if (sources.runs() == null) {
      return checkRun.map(c -> new Job(id, Optional.empty(), "not tracked", c));
    }
    return sources
        .runs()
        .runOf(id)
        .compose(
            run ->
                run.isEmpty()
                    ? Future.succeededFuture(
                        new Job(id, Optional.empty(), "not tracked", Optional.empty()))
                    : sources
                        .runs()
                        .jobs(run.get())
                        .compose(
                            jobs ->
                                sources
                                    .runs()
                                    .states(run.get())
                                    .map(
                                        states -> {
                                          Optional<JobRequest> job =
                                              jobs.values().stream()
                                                  .filter(j -> id.equals(j.requestId()))
                                                  .findFirst();
                                          return new Job(
                                              id,
                                              job,
                                              job.map(
                                                      j ->
                                                          states.getOrDefault(
                                                              j.workflowJobId(), "waiting"))
                                                  .orElse("unknown"),
                                              Optional.empty());
                                        })))
        .compose(j -> checkRun.map(c -> new Job(j.requestId(), j.request(), j.state(), c)));
  }

  /** GitHub's attempts of a delivery; {@code error} when the log could not be read. */
  record Attempts(List<HookDelivery> list, String error) {}

  /** Pages of the App's delivery log the detail page reads (100 attempts each). */
  static final int ATTEMPT_PAGES = 2;

  private Future<Attempts> attempts(String guid) {
    if (sources.redelivery() == null) {
      return Future.succeededFuture(new Attempts(List.of(), "no GitHub App is configured"));
    }
    return sources
        .redelivery()
        .attempts(guid, ATTEMPT_PAGES)
        .map(list -> new Attempts(list, null))
        .otherwise(err -> new Attempts(List.of(), "could not read: " + err.getMessage()));
  }

  private static void attempts(StringBuilder b, Attempts attempts) {
    b.append("<h2>GitHub's attempts</h2>\n");
    if (attempts.error() != null) {
      b.append("<p>The App's delivery log: ").append(text(attempts.error())).append(".</p>\n");
      return;
    }
    if (attempts.list().isEmpty()) {
      b.append(
          "<p>None in the newest "
              + ATTEMPT_PAGES * 100
              + " attempts of the App's delivery log (GitHub keeps three days).</p>\n");
      return;
    }
    ConsoleHtml.tableStart(
        b,
        "Attempts in the App's delivery log, newest first",
        List.of("Attempt", "Delivered (UTC)", "Status", "Redelivery"));
    for (HookDelivery a : attempts.list()) {
      b.append("<tr><td>")
          .append(a.id())
          .append("</td><td>")
          .append(time(a.deliveredAt()))
          .append("</td><td>")
          .append(text(a.status() + " (" + a.statusCode() + ")"))
          .append("</td><td>")
          .append(a.redelivery() ? "yes" : "no")
          .append("</td></tr>\n");
    }
    ConsoleHtml.tableEnd(b);
  }

  private String detail(RoutingContext ctx, Delivery d, List<Job> jobs, Attempts attempts) {
    StringBuilder b = new StringBuilder();
    b.append("<h2>Headers</h2>\n<dl class=\"facts\">\n");
    fact(b, "X-GitHub-Delivery", code(d.deliveryId()));
    fact(b, "X-GitHub-Event", code(d.event()));
    fact(b, "action", code(d.action()));
    fact(b, "installation.id", code(d.installationId()));
    fact(b, "repository.full_name", code(d.repository()));
    fact(b, "Received (UTC)", time(d.receivedAt()));
    fact(b, "Body stored", d.payloadStored() ? "yes (encrypted)" : "no");
    b.append("</dl>\n<h2>Decision</h2>\n<dl class=\"facts\">\n");
    fact(
        b,
        "Outcome",
        "<span class=\"outcome-"
            + forHtmlAttribute(d.outcome())
            + "\">"
            + text(d.outcome())
            + "</span>");
    fact(b, "Reason", text(d.reason()));
    fact(b, "Attempts", String.valueOf(d.attempts()));
    fact(b, "Last change (UTC)", time(d.updatedAt()));
    b.append("</dl>\n");
    if ("parked".equals(d.outcome())) {
      b.append("<p>Parked in the intake dead-letter queue: ")
          .append(
              ConsoleHtml.link(
                  BASE + "/dlq/intake/" + forUriComponent(d.deliveryId()), "inspect or replay it"))
          .append(".</p>\n");
    }
    b.append("<h2>Jobs and check runs</h2>\n");
    if (jobs.isEmpty()) {
      b.append("<p>This delivery produced no jobs.</p>\n");
    } else {
      ConsoleHtml.tableStart(
          b,
          "Jobs of this delivery",
          List.of("Job", "Workflow job", "Commit", "State", "Check run"));
      for (Job j : jobs) {
        b.append("<tr><td>")
            .append(ConsoleHtml.link(JobLinks.JOB_PATH + j.requestId(), j.requestId().toString()))
            .append("</td><td>")
            .append(text(j.request().map(JobRequest::workflowJobId).orElse(null)))
            .append("</td><td>")
            .append(code(j.request().map(JobRequest::commitSha).orElse(null)))
            .append("</td><td>")
            .append(text(j.state()))
            .append("</td><td>")
            .append(text(j.checkRun().orElse(null)))
            .append("</td></tr>\n");
      }
      ConsoleHtml.tableEnd(b);
    }
    attempts(b, attempts);
    b.append("<h2>Redeliver</h2>\n");
    if (sources.redelivery() == null) {
      b.append("<p>Redelivery needs the GitHub App (no App is configured).</p>\n");
    } else {
      b.append(
              "<p>As GitHub's \"Redeliver\": GitHub sends this delivery again. If it was processed"
                  + " already, the delivery ledger drops the copy.</p>\n")
          .append(
              ConsoleHtml.postButton(
                  BASE + "/deliveries/" + forUriComponent(d.deliveryId()) + "/redeliver",
                  routes.csrfField(),
                  routes.csrfToken(ctx),
                  "",
                  "Redeliver",
                  false))
          .append('\n');
    }
    return b.toString();
  }

  void redeliver(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (sources.redelivery() == null) {
      routes.page(
          ctx, 409, "Redeliver", BASE, ConsoleHtml.status("No GitHub App is configured.", true));
      return;
    }
    String back =
        "<p>"
            + ConsoleHtml.link(BASE + "/deliveries/" + forUriComponent(id), "Back to the delivery")
            + "</p>";
    routes.render(
        ctx,
        sources.redelivery().redeliver(id),
        found ->
            found.isEmpty()
                ? new Page(
                    404,
                    "Redeliver " + id,
                    BASE,
                    ConsoleHtml.status(
                            "GitHub's delivery log has no attempt of "
                                + id
                                + " (GitHub keeps deliveries for three days). Nothing was sent.",
                            true)
                        + back)
                : Page.ok(
                    "Redeliver " + id,
                    BASE,
                    ConsoleHtml.status(
                            "Asked GitHub to redeliver "
                                + id
                                + " (attempt "
                                + found.get().id()
                                + "). Reload the delivery to see it processed.",
                            false)
                        + back),
        "ask GitHub to redeliver " + id);
  }
}
