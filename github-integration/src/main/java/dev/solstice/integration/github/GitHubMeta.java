package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * GitHub's {@code GET /meta}: the address ranges its webhooks come from ({@code hooks}). It needs
 * no credentials. {@code WEBHOOK_SOURCE_ALLOWLIST=github} accepts webhooks only from them (issue
 * 17).
 */
public final class GitHubMeta {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final String url;

  /** {@code apiBase}: {@code https://api.github.com}, or a GHES {@code https://host/api/v3}. */
  public GitHubMeta(Vertx vertx, URI apiBase) {
    this.vertx = vertx;
    String base = apiBase.toString();
    this.url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/meta";
  }

  /**
   * The {@code hooks} CIDR ranges; fails on any answer but a 200 with that array. Read about once a
   * day, so each read has its own client.
   */
  public Future<List<String>> hookRanges() {
    WebClient client = WebClient.create(vertx);
    return client
        .getAbs(url)
        .putHeader("Accept", WebClientGitHubClient.JSON)
        .putHeader("X-GitHub-Api-Version", GitHubRequestExecutor.API_VERSION)
        .timeout(TIMEOUT.toMillis())
        .send()
        .compose(
            resp -> {
              if (resp.statusCode() != 200) {
                return Future.failedFuture(
                    new IllegalStateException("GET " + url + " answered " + resp.statusCode()));
              }
              JsonArray hooks = resp.bodyAsJsonObject().getJsonArray("hooks");
              if (hooks == null || hooks.isEmpty()) {
                return Future.failedFuture(
                    new IllegalStateException("GET " + url + " lists no hooks ranges"));
              }
              return Future.succeededFuture(hooks.stream().map(String::valueOf).toList());
            })
        .onComplete(done -> client.close());
  }
}
