package dev.solstice.integration.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry client's request ({@code GATEWAY_CLIENTS_FILE}): {@link ClientGate} (its scopes, its
 * repositories, the routes clients may use at all), its hourly budget, for GraphQL the body ({@link
 * GraphQlGate}: mutations only with a {@code graphql_mutations} scope, {@code repository} fields
 * within its repositories), then forwarded with a credential of the {@link CredentialPool}. Every
 * refusal is answered before anything reaches GitHub.
 */
final class ClientRequests {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRequests.class);

  private final GatewayAnswers answers;
  private final ClientBudget budget;
  private final CredentialPool pool;
  private final GitHubForwarder forwarder;
  private final String apiBase;
  private final long maxBodyBytes;

  ClientRequests(
      GatewayAnswers answers,
      ClientBudget budget,
      CredentialPool pool,
      GitHubForwarder forwarder,
      String apiBase,
      long maxBodyBytes) {
    this.answers = answers;
    this.budget = budget;
    this.pool = pool;
    this.forwarder = forwarder;
    this.apiBase = apiBase;
    this.maxBodyBytes = maxBodyBytes;
  }

  void handle(HttpServerRequest in, String path, ClientRegistry.Client c) {
    ClientGate.Decision d = ClientGate.decide(c, in.method().name(), path);
    if (d.kind() == ClientGate.Kind.REFUSED) {
      answers.refuse(in, d.route(), d.status(), d.message(), d.why());
      return;
    }
    if (answers.tooLarge(in, d.route(), maxBodyBytes)) {
      return;
    }
    budget
        .take(c.name(), c.budgetPerHour())
        .onFailure(
            e -> {
              LOG.warn("gateway: client budget store unavailable: {}", e.toString());
              answers.refuse(
                  in, "-", 503, "The gateway cannot check budgets right now", "store_down");
            })
        .onSuccess(
            take -> {
              if (!take.allowed()) {
                in.response().putHeader("Retry-After", String.valueOf(take.retryAfterSeconds()));
                answers.refuse(
                    in,
                    d.route(),
                    429,
                    "Client "
                        + c.name()
                        + " spent its budget of "
                        + c.budgetPerHour()
                        + " requests per hour",
                    "budget_spent");
              } else if (d.kind() == ClientGate.Kind.GRAPHQL) {
                graphql(in, c);
              } else {
                GatewayAnswers.continueIfAsked(in);
                withCredential(
                    in,
                    d.route(),
                    d.repository(),
                    cred -> forwarder.forward(in, d.route(), apiBase + in.uri(), cred));
              }
            });
  }

  /** The body is read (within the cap) and checked before a credential is chosen. */
  private void graphql(HttpServerRequest in, ClientRegistry.Client c) {
    Future<Buffer> body = in.body();
    GatewayAnswers.continueIfAsked(in);
    in.resume();
    body.onFailure(
            e -> answers.refuse(in, "/graphql", 400, "Problems reading the body", "bad_body"))
        .onSuccess(
            b -> {
              List<String> named = new ArrayList<>();
              GraphQlGate.Rules rules =
                  new GraphQlGate.Rules(
                      "client " + c.name(), c.graphqlMutations(), c.repositories());
              GraphQlGate.check(b, rules, named)
                  .ifPresentOrElse(
                      no -> answers.refuse(in, "/graphql", no.status(), no.message(), no.why()),
                      () ->
                          withCredential(
                              in,
                              "/graphql",
                              named.isEmpty()
                                  ? null
                                  : dev.solstice.integration.github.RepoRef.parse(named.get(0)),
                              cred ->
                                  forwarder.forward(
                                      in,
                                      "/graphql",
                                      GatewayVerticle.graphqlUrl(apiBase),
                                      cred,
                                      b)));
            });
  }

  private void withCredential(
      HttpServerRequest in,
      String route,
      dev.solstice.integration.github.RepoRef repo,
      java.util.function.Consumer<UpstreamCredential> then) {
    pool.pick(repo)
        .onSuccess(then::accept)
        .onFailure(
            e -> {
              if (e instanceof CredentialPool.Exhausted x) {
                if (x.retryAfterSeconds > 0) {
                  in.response().putHeader("Retry-After", Long.toString(x.retryAfterSeconds));
                }
                answers.refuse(in, route, x.status, x.getMessage(), "pool_" + x.status);
              } else {
                answers.upstreamFailed(in, route, e);
              }
            });
  }
}
