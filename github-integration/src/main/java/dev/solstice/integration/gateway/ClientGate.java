package dev.solstice.integration.gateway;

import dev.solstice.integration.github.RepoRef;
import java.util.Set;

/**
 * Where a registry client may go, decided on the method and path alone, before anything else: a
 * scope of its own must match; then only {@code /repos/{owner}/{repo}/…} of a repository it lists
 * (all, when it lists none), {@code GET /rate_limit}, {@code GET /meta} and {@code POST /graphql}
 * (whose body {@link GraphQlGate} checks next). Anything else is refused, whatever its scopes say.
 */
final class ClientGate {

  /** What a request is, once allowed. */
  enum Kind {
    REFUSED,
    REPOSITORY,
    ACCOUNT,
    GRAPHQL
  }

  /**
   * The decision.
   *
   * @param route the route template for metrics
   * @param repository the path's repository for {@link Kind#REPOSITORY}, else null
   */
  record Decision(
      Kind kind, String route, RepoRef repository, int status, String message, String why) {

    static Decision refused(String route, int status, String message, String why) {
      return new Decision(Kind.REFUSED, route, null, status, message, why);
    }
  }

  static final String REPO_ROUTE = "/repos/{owner}/{repo}/…";
  private static final Set<String> ACCOUNT_ROUTES = Set.of("/rate_limit", "/meta");

  private ClientGate() {}

  static Decision decide(ClientRegistry.Client c, String method, String path) {
    if (GatewayRoutes.suspicious(path)) {
      return Decision.refused("-", 404, "Not Found", "bad_path");
    }
    if (c.scopeFor(method, path).isEmpty()) {
      return Decision.refused(
          "-",
          403,
          "Client "
              + c.name()
              + " has no scope for "
              + method
              + " "
              + path
              + " (its scopes: "
              + c.scopes()
              + ")",
          "out_of_scope");
    }
    if (path.equals("/graphql") && method.equals("POST")) {
      return new Decision(Kind.GRAPHQL, "/graphql", null, 0, null, null);
    }
    if (ACCOUNT_ROUTES.contains(path) && (method.equals("GET") || method.equals("HEAD"))) {
      return new Decision(Kind.ACCOUNT, path, null, 0, null, null);
    }
    String[] seg = path.split("/");
    if (seg.length < 4 || !"repos".equals(seg[1])) {
      return Decision.refused(
          "-",
          403,
          "Registry clients reach /repos/{owner}/{repo}/…, GET /rate_limit, GET /meta and POST"
              + " /graphql only",
          "no_repository");
    }
    if (!c.reaches(seg[2] + "/" + seg[3])) {
      // As GitHub answers for a repository the credential cannot see.
      return Decision.refused(REPO_ROUTE, 404, "Not Found", "other_repository");
    }
    return new Decision(
        Kind.REPOSITORY, REPO_ROUTE, RepoRef.parse(seg[2] + "/" + seg[3]), 0, null, null);
  }
}
