package dev.solstice.integration.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WEBHOOK_SOURCE_ALLOWLIST} (issue 17): webhooks are accepted only from the listed ranges
 * and, with {@code github}, from the {@code hooks} ranges of GitHub's {@code GET /meta}, read at
 * start and every {@link #REFRESH} after. A failed read keeps the ranges read before (and is tried
 * again after {@link #RETRY}); until the first read succeeds only the listed ranges are accepted.
 * Anything else gets 403 before its body is read. The client is the {@link ClientAddress}, so a
 * trusted proxy's forwarded address is what is checked.
 */
public final class SourceAllowlist implements PlatformHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SourceAllowlist.class);

  /** How often GitHub's ranges are read again. */
  public static final Duration REFRESH = Duration.ofDays(1);

  /** How soon a failed read is tried again. */
  public static final Duration RETRY = Duration.ofMinutes(1);

  private final Cidrs listed;
  private final Supplier<Future<List<String>>> githubHooks;
  private final ClientAddress clients;
  private final HttpRefusals refusals;
  private volatile Cidrs fromGitHub = Cidrs.NONE;
  private volatile boolean stopped;
  private Vertx vertx;
  private long timer = -1;

  /**
   * @param listed the ranges given in the variable
   * @param githubHooks reads GitHub's {@code hooks} ranges; null unless {@code github} was listed
   */
  public SourceAllowlist(
      Cidrs listed,
      Supplier<Future<List<String>>> githubHooks,
      ClientAddress clients,
      HttpRefusals refusals) {
    this.listed = listed;
    this.githubHooks = githubHooks;
    this.clients = clients;
    this.refusals = refusals;
  }

  /** Reads GitHub's ranges now (when asked to) and keeps them fresh; completes after that read. */
  public Future<Void> start(Vertx vertx) {
    this.vertx = vertx;
    return githubHooks == null ? Future.succeededFuture() : refresh();
  }

  /**
   * Reads GitHub's ranges once and schedules the next read; a failure keeps the ranges held and
   * never fails the returned future.
   */
  public Future<Void> refresh() {
    return githubHooks
        .get()
        .map(Cidrs::parse)
        .map(
            ranges -> {
              if (!ranges.toString().equals(fromGitHub.toString())) {
                LOG.info("webhook sources: GitHub's hooks ranges are now {}", ranges);
              }
              fromGitHub = ranges;
              schedule(REFRESH);
              return (Void) null;
            })
        .recover(
            e -> {
              LOG.warn(
                  "webhook sources: reading GitHub's hooks ranges (GET /meta) failed ({}); keeping {}",
                  e.getMessage(),
                  fromGitHub.isEmpty() ? "only the listed ranges" : fromGitHub.toString());
              schedule(RETRY);
              return Future.succeededFuture();
            });
  }

  private synchronized void schedule(Duration after) {
    if (stopped || vertx == null) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    timer = vertx.setTimer(after.toMillis(), id -> refresh());
  }

  public synchronized void stop() {
    stopped = true;
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Whether a webhook from {@code address} is accepted now. */
  public boolean allows(InetAddress address) {
    return listed.contains(address) || fromGitHub.contains(address);
  }

  @Override
  public void handle(RoutingContext ctx) {
    InetAddress client = clients.of(ctx.request());
    if (allows(client)) {
      ctx.next();
      return;
    }
    refusals.refused(HttpRefusals.Reason.SOURCE);
    ctx.response()
        .setStatusCode(403)
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put(
                    "error",
                    "webhooks are not accepted from "
                        + (client == null ? "this address" : client.getHostAddress())
                        + " (WEBHOOK_SOURCE_ALLOWLIST)")
                .encode());
  }
}
