package dev.solstice.simulator.github;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Issue 13: GitHub's GraphQL API ({@code POST /graphql}), the part a job reads: {@code
 * repository(owner:, name:) { nameWithOwner pullRequest(number:) { number title state } }},
 * executed by graphql-java against that slice of GitHub's schema. As at GitHub: an installation
 * token is needed (401 without), answers are {@code 200 {"data": ..., "errors": [...]}}, a
 * repository the token cannot see or a missing pull request is {@code null} with a {@code
 * NOT_FOUND} error, and a body that is not JSON is {@code 400 Problems parsing JSON}. There is no
 * mutation type.
 */
public final class GraphQlEndpoint {

  private static final String SCHEMA =
      """
      type Query {
        repository(owner: String!, name: String!): Repository
      }
      type Repository {
        nameWithOwner: String!
        pullRequest(number: Int!): PullRequest
      }
      type PullRequest {
        number: Int!
        title: String!
        state: PullRequestState!
      }
      enum PullRequestState { OPEN CLOSED MERGED }
      """;

  private static final String REPOS = "repos";

  private final GitHubSimulator sim;
  private final GraphQL graphql;

  // Guarded by "this": "owner/name#number" (lower case) to the pull request.
  private final Map<String, Map<String, Object>> pullRequests = new HashMap<>();

  GraphQlEndpoint(GitHubSimulator sim) {
    this.sim = sim;
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .type("Query", t -> t.dataFetcher("repository", this::repository))
            .type("Repository", t -> t.dataFetcher("pullRequest", this::pullRequest))
            .build();
    GraphQLSchema schema =
        new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SCHEMA), wiring);
    this.graphql = GraphQL.newGraphQL(schema).build();
  }

  void register(Router router) {
    router.post("/graphql").handler(this::query);
  }

  /** Puts pull request {@code number} of {@code repo} with its title and state (OPEN, ...). */
  public synchronized GraphQlEndpoint pullRequest(
      String repo, int number, String title, String state) {
    pullRequests.put(key(repo, number), Map.of("number", number, "title", title, "state", state));
    return this;
  }

  private void query(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null) {
      sim.refuse(ctx, 401, "This endpoint requires you to be authenticated.");
      return;
    }
    Set<String> repos = sim.reposOfToken(auth.replaceFirst("(?i)^(bearer|token)\\s+", ""));
    if (repos == null) {
      sim.refuse(ctx, 401, "Bad credentials");
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null || !(body.getValue("query") instanceof String query)) {
      sim.refuse(ctx, 400, "Problems parsing JSON");
      return;
    }
    JsonObject variables = body.getJsonObject("variables", new JsonObject());
    ExecutionResult result =
        graphql.execute(
            ExecutionInput.newExecutionInput()
                .query(query)
                .operationName(body.getString("operationName"))
                .variables(variables.getMap())
                .graphQLContext(Map.of(REPOS, repos)));
    sim.answer(ctx, 200, new JsonObject(result.toSpecification()));
  }

  private DataFetcherResult<Object> repository(DataFetchingEnvironment env) {
    String owner = env.getArgument("owner");
    String name = env.getArgument("name");
    Set<String> repos = env.getGraphQlContext().get(REPOS);
    String full = owner + "/" + name;
    if (!repos.contains(full.toLowerCase(Locale.ROOT))) {
      return notFound(env, "Could not resolve to a Repository with the name '" + full + "'.");
    }
    return DataFetcherResult.newResult().data(Map.of("nameWithOwner", full)).build();
  }

  private DataFetcherResult<Object> pullRequest(DataFetchingEnvironment env) {
    Map<String, Object> repo = env.getSource();
    int number = env.getArgument("number");
    Map<String, Object> pr;
    synchronized (this) {
      pr = pullRequests.get(key((String) repo.get("nameWithOwner"), number));
    }
    if (pr == null) {
      return notFound(env, "Could not resolve to a PullRequest with the number of " + number + ".");
    }
    return DataFetcherResult.newResult().data(pr).build();
  }

  /** GitHub's answer for what the token cannot see: null, and an error of type NOT_FOUND. */
  private static DataFetcherResult<Object> notFound(DataFetchingEnvironment env, String message) {
    return DataFetcherResult.newResult()
        .error(
            GraphqlErrorBuilder.newError(env)
                .message(message)
                .extensions(Map.of("type", "NOT_FOUND"))
                .build())
        .build();
  }

  private static String key(String repo, int number) {
    return repo.toLowerCase(Locale.ROOT) + "#" + number;
  }
}
