package dev.solstice.integration.gateway;

import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.Node;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a job token may send to GitHub's GraphQL API, decided on the query parsed with graphql-java
 * before anything goes upstream: queries only (no mutation or subscription anywhere in the
 * document), and every {@code repository(owner:, name:)} field, wherever it sits (aliases,
 * fragments, nested), must name the job's repository with string literals or string variables given
 * in {@code variables}. What cannot be decided here (a {@code node(id:)} lookup, {@code search}, a
 * repository reached through its owner's connection) is left to the installation token the request
 * is forwarded with, which GitHub limits to the job's one repository and permissions.
 */
final class GraphQlGate {

  /** A refusal: the status, GitHub-shaped message and the reason's metric name. */
  record Refusal(int status, String message, String why) {}

  private GraphQlGate() {}

  /**
   * Who sends a query and what it may do.
   *
   * @param who as refusals name it: {@code job token}, {@code client release-bot}
   * @param mutations whether mutations (and subscriptions) may go upstream
   * @param repositories the {@code owner/name}s a {@code repository} field may name; empty: any
   *     (then a field whose arguments cannot be read is let through too)
   */
  record Rules(String who, boolean mutations, List<String> repositories) {
    static Rules job(String repository) {
      return new Rules("job token", false, List.of(repository));
    }

    boolean reaches(String repository) {
      return repositories.isEmpty()
          || repositories.stream().anyMatch(r -> r.equalsIgnoreCase(repository));
    }
  }

  /**
   * Why {@code body} (a GraphQL request: {@code {"query", "variables", "operationName"}}) may not
   * go upstream for a job of {@code repository} ({@code owner/name}); empty when it may.
   */
  static Optional<Refusal> check(Buffer body, String repository) {
    return check(body, Rules.job(repository), new ArrayList<>());
  }

  /**
   * Why {@code body} may not go upstream under {@code rules}; empty when it may, and then {@code
   * named} holds the repositories its {@code repository} fields name (readable ones only).
   */
  static Optional<Refusal> check(Buffer body, Rules rules, List<String> named) {
    JsonObject request;
    try {
      request = body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return refuse(400, "Problems parsing JSON", "bad_json");
    }
    if (!(request.getValue("query") instanceof String query) || query.isBlank()) {
      return refuse(400, "A query attribute must be specified and must be a string.", "no_query");
    }
    Object vars = request.getValue("variables");
    if (vars != null && !(vars instanceof JsonObject)) {
      return refuse(400, "Variables are invalid JSON.", "bad_json");
    }
    JsonObject variables = vars == null ? new JsonObject() : (JsonObject) vars;
    Document document;
    try {
      document = Parser.parse(query);
    } catch (InvalidSyntaxException e) {
      return refuse(400, "Problems parsing the GraphQL query: " + e.getMessage(), "bad_query");
    }
    String prefix = "Resource not accessible by " + rules.who() + ": ";
    for (OperationDefinition op : document.getDefinitionsOfType(OperationDefinition.class)) {
      if (op.getOperation() != OperationDefinition.Operation.QUERY && !rules.mutations()) {
        return refuse(
            403,
            prefix
                + "GraphQL "
                + op.getOperation().name().toLowerCase(java.util.Locale.ROOT)
                + "s are not allowed for "
                + (rules.who().equals("job token")
                    ? "job tokens (queries only)"
                    : rules.who() + " (its /graphql scope has no graphql_mutations: true)"),
            "graphql_mutation");
      }
    }
    String whose = rules.who().equals("job token") ? "the job's" : rules.who() + "'s";
    List<Field> repositories = new ArrayList<>();
    collect(document, repositories);
    for (Field f : repositories) {
      String owner = string(f, "owner", variables);
      String name = string(f, "name", variables);
      if (owner == null || name == null) {
        if (rules.repositories().isEmpty()) {
          continue;
        }
        return refuse(
            403,
            prefix
                + "GraphQL repository(owner:, name:) must name "
                + (rules.repositories().size() == 1
                    ? whose + " repository"
                    : "one of " + whose + " repositories")
                + " with strings or string variables",
            "graphql_repository");
      }
      if (!rules.reaches(owner + "/" + name)) {
        return refuse(
            403,
            prefix
                + "GraphQL repository(owner: \""
                + owner
                + "\", name: \""
                + name
                + "\") is not "
                + (rules.who().equals("job token")
                    ? "the job's repository " + rules.repositories().get(0)
                    : "one of " + whose + " repositories " + rules.repositories()),
            "other_repository");
      }
      named.add(owner + "/" + name);
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(int status, String message, String why) {
    return Optional.of(new Refusal(status, message, why));
  }

  /** Every field named {@code repository} below {@code node}. */
  private static void collect(Node<?> node, List<Field> out) {
    if (node instanceof Field f && f.getName().equals("repository")) {
      out.add(f);
    }
    for (Node<?> child : node.getChildren()) {
      collect(child, out);
    }
  }

  /** The string {@code argument} of {@code field} has, or null when absent or not a string. */
  private static String string(Field field, String argument, JsonObject variables) {
    Argument a =
        field.getArguments().stream()
            .filter(x -> x.getName().equals(argument))
            .findFirst()
            .orElse(null);
    if (a == null) {
      return null;
    }
    Value<?> v = a.getValue();
    if (v instanceof StringValue s) {
      return s.getValue();
    }
    if (v instanceof VariableReference ref
        && variables.getValue(ref.getName()) instanceof String s) {
      return s;
    }
    return null;
  }
}
