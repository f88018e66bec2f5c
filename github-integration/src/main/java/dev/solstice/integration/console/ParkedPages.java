package dev.solstice.integration.console;

import static dev.solstice.integration.console.ConsoleHtml.BASE;
import static dev.solstice.integration.console.ConsoleHtml.code;
import static dev.solstice.integration.console.ConsoleHtml.fact;
import static dev.solstice.integration.console.ConsoleHtml.text;
import static dev.solstice.integration.console.ConsoleHtml.time;
import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forUriComponent;

import dev.solstice.integration.amqp.DeadLetters;
import dev.solstice.integration.console.ConsoleRoutes.Page;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parked messages of each flow's dead-letter queue with inspect / replay / drop: the operations of
 * the {@code dlq} command ({@link DeadLetters}), one message at a time.
 */
final class ParkedPages {

  /** Most messages listed per flow. */
  static final int SHOWN = 100;

  private static final String CURRENT = BASE + "/dlq";

  private final ConsoleSources sources;
  private final ConsoleRoutes routes;

  ParkedPages(ConsoleSources sources, ConsoleRoutes routes) {
    this.sources = sources;
    this.routes = routes;
  }

  void list(RoutingContext ctx) {
    Map<String, ?> flows = sources.parked().flows();
    List<Future<String>> sections = new ArrayList<>();
    for (String flow : flows.keySet()) {
      sections.add(
          sources
              .parked()
              .list(flow, SHOWN)
              .map(listing -> section(ctx, flow, listing))
              .otherwise(
                  err ->
                      "<h2>"
                          + forHtml(flow)
                          + "</h2>\n"
                          + ConsoleHtml.status(
                              "Could not read the dead-letter queue: " + err.getMessage(), true)));
    }
    routes.render(
        ctx,
        Future.all(sections),
        all -> {
          StringBuilder b =
              new StringBuilder(
                  "<p>Messages given up on, per flow. Replay sends one back to its work queue as a"
                      + " fresh message (attempt 1); drop deletes it. The same operations as"
                      + " <code>dlq</code> on the command line (docs/runbook.md).</p>\n");
          all.<String>list().forEach(b::append);
          return Page.ok("Parked messages", CURRENT, b.toString());
        },
        "read the dead-letter queues");
  }

  private String section(RoutingContext ctx, String flow, DeadLetters.Listing listing) {
    String queue = sources.parked().flows().get(flow).deadLetterQueue();
    StringBuilder b = new StringBuilder();
    b.append("<h2 id=\"flow-")
        .append(forHtml(flow))
        .append("\">")
        .append(forHtml(flow))
        .append(" <span class=\"muted\">(")
        .append(forHtml(queue))
        .append(")</span></h2>\n<p>")
        .append(listing.total())
        .append(" parked")
        .append(listing.total() > SHOWN ? ", the oldest " + SHOWN + " shown" : "")
        .append(".</p>\n");
    if (listing.messages().isEmpty()) {
      return b.toString();
    }
    ConsoleHtml.tableStart(
        b,
        "Parked in " + flow,
        List.of("Message", "Delivery", "Type", "Attempts", "Parked at (UTC)", "Reason", "Actions"));
    for (DeadLetters.Parked m : listing.messages()) {
      b.append("<tr><td>")
          .append(code(m.messageId()))
          .append("</td><td>")
          .append(m.deliveryId() == null ? "–" : ConsoleHtml.deliveryLink(m.deliveryId()))
          .append("</td><td>")
          .append(text(m.type()))
          .append("</td><td class=\"num\">")
          .append(text(m.attempts()))
          .append("</td><td>")
          .append(time(m.parkedAt()))
          .append("</td><td>")
          .append(text(m.reason()))
          .append("</td><td>")
          .append(actions(ctx, flow, m.id(), true))
          .append("</td></tr>\n");
    }
    ConsoleHtml.tableEnd(b);
    return b.toString();
  }

  private String actions(RoutingContext ctx, String flow, String id, boolean inspect) {
    String hidden = ConsoleHtml.hidden("id", id);
    String flowPath = BASE + "/dlq/" + forUriComponent(flow);
    return (inspect ? ConsoleHtml.link(flowPath + "/" + forUriComponent(id), "Inspect") + " " : "")
        + ConsoleHtml.postButton(
            flowPath + "/replay",
            routes.csrfField(),
            routes.csrfToken(ctx),
            hidden,
            "Replay",
            "Replay " + id,
            false)
        + " "
        + ConsoleHtml.postButton(
            flowPath + "/drop",
            routes.csrfField(),
            routes.csrfToken(ctx),
            hidden,
            "Drop",
            "Drop " + id,
            true);
  }

  void inspect(RoutingContext ctx) {
    String flow = ctx.pathParam("flow");
    String id = ctx.pathParam("id");
    if (!sources.parked().flows().containsKey(flow)) {
      routes.notFound(ctx);
      return;
    }
    routes.render(
        ctx,
        sources.parked().inspect(flow, id),
        found -> {
          if (found.isEmpty()) {
            return new Page(
                404,
                "Parked message " + id,
                CURRENT,
                ConsoleHtml.status(
                        id + " is not parked in " + flow + " (replayed or dropped already?).", true)
                    + back());
          }
          DeadLetters.Inspected m = found.get();
          StringBuilder b = new StringBuilder("<dl class=\"facts\">\n");
          fact(b, "Flow", text(flow));
          fact(b, "Message id", code(m.parked().messageId()));
          fact(
              b,
              "Delivery",
              m.parked().deliveryId() == null
                  ? "–"
                  : ConsoleHtml.deliveryLink(m.parked().deliveryId()));
          fact(b, "Type", text(m.parked().type()));
          fact(b, "Attempts", text(m.parked().attempts()));
          fact(b, "Parked at (UTC)", time(m.parked().parkedAt()));
          fact(b, "Reason", text(m.parked().reason()));
          b.append("</dl>\n<p>").append(actions(ctx, flow, id, false)).append("</p>\n");
          ConsoleHtml.tableStart(b, "Headers", List.of("Header", "Value"));
          m.headers()
              .forEach(
                  (k, v) ->
                      b.append("<tr><th scope=\"row\">")
                          .append(forHtml(k))
                          .append("</th><td>")
                          .append(code(v))
                          .append("</td></tr>\n"));
          ConsoleHtml.tableEnd(b);
          b.append("<h2>Body</h2>\n<pre>").append(forHtml(m.body())).append("</pre>\n");
          return Page.ok("Parked message " + id, CURRENT, b.toString());
        },
        "inspect " + id);
  }

  void replay(RoutingContext ctx) {
    act(ctx, "replay");
  }

  void drop(RoutingContext ctx) {
    act(ctx, "drop");
  }

  private void act(RoutingContext ctx, String what) {
    String flow = ctx.pathParam("flow");
    String id = ctx.request().getFormAttribute("id");
    if (!sources.parked().flows().containsKey(flow)) {
      routes.notFound(ctx);
      return;
    }
    if (id == null || id.isBlank()) {
      routes.page(
          ctx,
          400,
          "Parked messages",
          CURRENT,
          ConsoleHtml.status("Name a message to " + what + ".", true));
      return;
    }
    String queue = sources.parked().flows().get(flow).queue();
    Future<DeadLetters.Outcome> outcome =
        what.equals("replay") ? sources.parked().replay(flow, id) : sources.parked().drop(flow, id);
    routes.render(
        ctx,
        outcome,
        o -> {
          String message;
          int status = 200;
          boolean bad = false;
          if (o.unroutable() != null) {
            message = "Not replayed: " + o.unroutable() + ".";
            status = 502;
            bad = true;
          } else if (o.done().isEmpty()) {
            message =
                id
                    + " is not parked in "
                    + flow
                    + " (replayed or dropped already?): nothing was done.";
          } else if (what.equals("replay")) {
            message = "Replayed " + id + " to " + queue + " as a fresh message (attempt 1).";
          } else {
            message = "Dropped " + id + " from the " + flow + " dead-letter queue for good.";
          }
          return new Page(
              status, "Parked messages", CURRENT, ConsoleHtml.status(message, bad) + back());
        },
        what + " " + id);
  }

  private static String back() {
    return "<p>" + ConsoleHtml.link(CURRENT, "Back to the parked messages") + "</p>\n";
  }
}
