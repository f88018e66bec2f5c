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

  private static final String PREFIX = "Resource not accessible by job token: ";

  private GraphQlGate() {}

  /**
   * Why {@code body} (a GraphQL request: {@code {"query", "variables", "operationName"}}) may not
   * go upstream for a job of {@code repository} ({@code owner/name}); empty when it may.
   */
  static Optional<Refusal> check(Buffer body, String repository) {
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
    for (OperationDefinition op : document.getDefinitionsOfType(OperationDefinition.class)) {
      if (op.getOperation() != OperationDefinition.Operation.QUERY) {
        return refuse(
            403,
            PREFIX
                + "GraphQL "
                + op.getOperation().name().toLowerCase(java.util.Locale.ROOT)
                + "s are not allowed for job tokens (queries only)",
            "graphql_mutation");
      }
    }
    List<Field> repositories = new ArrayList<>();
    collect(document, repositories);
    for (Field f : repositories) {
      String owner = string(f, "owner", variables);
      String name = string(f, "name", variables);
      if (owner == null || name == null) {
        return refuse(
            403,
            PREFIX
                + "GraphQL repository(owner:, name:) must name the job's repository with strings"
                + " or string variables",
            "graphql_repository");
      }
      if (!(owner + "/" + name).equalsIgnoreCase(repository)) {
        return refuse(
            403,
            PREFIX
                + "GraphQL repository(owner: \""
                + owner
                + "\", name: \""
                + name
                + "\") is not the job's repository "
                + repository,
            "other_repository");
      }
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
