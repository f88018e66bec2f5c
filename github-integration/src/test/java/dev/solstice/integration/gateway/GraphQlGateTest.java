package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GraphQlGateTest {

  private static final String REPO = "Codertocat/Hello-World";

  private static Optional<GraphQlGate.Refusal> check(String query, JsonObject variables) {
    JsonObject body = new JsonObject().put("query", query);
    if (variables != null) {
      body.put("variables", variables);
    }
    return GraphQlGate.check(body.toBuffer(), REPO);
  }

  private static String why(String query) {
    return check(query, null).map(GraphQlGate.Refusal::why).orElse("allowed");
  }

  @Test
  void allowsQueriesOfTheJobsRepositoryAndQueriesThatNameNone() {
    assertThat(why("{ repository(owner: \"codertocat\", name: \"hello-world\") { id } }"))
        .isEqualTo("allowed");
    assertThat(why("{ viewer { login } }")).isEqualTo("allowed");
    assertThat(
            check(
                "query($o: String!, $n: String!) { r: repository(owner: $o, name: $n) { id } }",
                new JsonObject().put("o", "Codertocat").put("n", "Hello-World")))
        .isEmpty();
  }

  @Test
  void refusesMutationsAndSubscriptionsAnywhereInTheDocument() {
    assertThat(why("query A { viewer { login } } mutation B { addStar { clientMutationId } }"))
        .isEqualTo("graphql_mutation");
    assertThat(why("subscription { x }")).isEqualTo("graphql_mutation");
  }

  @Test
  void refusesAnotherRepositoryWhereverItIsNamed() {
    assertThat(
            why(
                "query { ...F } fragment F on Query { x: repository(owner: \"Codertocat\","
                    + " name: \"Other\") { id } }"))
        .isEqualTo("other_repository");
    assertThat(
            why(
                "{ repository(owner: \"Codertocat\", name: \"Hello-World\") { id }"
                    + " b: repository(owner: \"evil\", name: \"Hello-World\") { id } }"))
        .isEqualTo("other_repository");
  }

  @Test
  void refusesARepositoryItCannotReadTheNameOf() {
    assertThat(why("{ organization(login: \"x\") { repository(name: \"Hello-World\") { id } } }"))
        .isEqualTo("graphql_repository");
    assertThat(
            why(
                "query($n: String = \"Other\") { repository(owner: \"Codertocat\", name: $n) { id } }"))
        .isEqualTo("graphql_repository");
  }

  @Test
  void refusesWhatIsNotAGraphQlRequest() {
    assertThat(GraphQlGate.check(Buffer.buffer("{\"query\": "), REPO).orElseThrow().status())
        .isEqualTo(400);
    assertThat(GraphQlGate.check(Buffer.buffer("[1]"), REPO).orElseThrow().why())
        .isEqualTo("bad_json");
    assertThat(GraphQlGate.check(Buffer.buffer("{}"), REPO).orElseThrow().why())
        .isEqualTo("no_query");
    assertThat(why("{ repository(")).isEqualTo("bad_query");
  }
}
