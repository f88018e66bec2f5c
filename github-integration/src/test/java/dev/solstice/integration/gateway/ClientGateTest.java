package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClientGateTest {

  private static final ClientRegistry.Client WORKER =
      new ClientRegistry.Client(
          "worker",
          "0".repeat(64),
          List.of(
              new ClientRegistry.Scope("GET", Pattern.compile("/.*"), false),
              new ClientRegistry.Scope("POST", Pattern.compile("/graphql"), false)),
          List.of("octo/app"),
          0);

  @Test
  void refusesAMethodOrPathNoScopeAllows() {
    ClientGate.Decision d = ClientGate.decide(WORKER, "DELETE", "/repos/octo/app/issues/1");
    assertThat(d.kind()).isEqualTo(ClientGate.Kind.REFUSED);
    assertThat(d.status()).isEqualTo(403);
    assertThat(d.message()).contains("Client worker has no scope for DELETE");
  }

  @Test
  void answers404ForARepositoryTheClientDoesNotList() {
    ClientGate.Decision d = ClientGate.decide(WORKER, "GET", "/repos/octo/other/contents/x");
    assertThat(d.status()).isEqualTo(404);
    assertThat(d.why()).isEqualTo("other_repository");
    assertThat(ClientGate.decide(WORKER, "GET", "/repos/OCTO/APP/contents/x").repository())
        .hasToString("OCTO/APP");
  }

  @Test
  void reachesOnlyRepositoriesRateLimitMetaAndGraphQlWhateverItsScopesSay() {
    assertThat(ClientGate.decide(WORKER, "GET", "/user").status()).isEqualTo(403);
    assertThat(ClientGate.decide(WORKER, "GET", "/orgs/octo/repos").status()).isEqualTo(403);
    assertThat(ClientGate.decide(WORKER, "GET", "/repos/octo").status()).isEqualTo(403);
    assertThat(ClientGate.decide(WORKER, "GET", "/rate_limit").kind())
        .isEqualTo(ClientGate.Kind.ACCOUNT);
    assertThat(ClientGate.decide(WORKER, "GET", "/meta").kind()).isEqualTo(ClientGate.Kind.ACCOUNT);
    assertThat(ClientGate.decide(WORKER, "POST", "/graphql").kind())
        .isEqualTo(ClientGate.Kind.GRAPHQL);
    assertThat(ClientGate.decide(WORKER, "GET", "/graphql").status()).isEqualTo(403);
  }

  @Test
  void refusesDotSegmentsAndEncodedSlashesBeforeLookingAtScopes() {
    assertThat(ClientGate.decide(WORKER, "GET", "/repos/octo/app/../other/x").status())
        .isEqualTo(404);
    assertThat(ClientGate.decide(WORKER, "GET", "/repos/octo%2fother/app/x").status())
        .isEqualTo(404);
  }

  @Test
  void graphQlMutationsNeedAnExplicitScopeAndRepositoriesStayTheClients() {
    io.vertx.core.buffer.Buffer mutation =
        io.vertx.core.buffer.Buffer.buffer(
            "{\"query\":\"mutation { addStar(input: {}) { clientMutationId } }\"}");
    GraphQlGate.Rules readOnly = new GraphQlGate.Rules("client worker", false, List.of("octo/app"));
    assertThat(GraphQlGate.check(mutation, readOnly, new java.util.ArrayList<>()))
        .hasValueSatisfying(r -> assertThat(r.message()).contains("graphql_mutations"));
    GraphQlGate.Rules writer = new GraphQlGate.Rules("client writer", true, List.of());
    assertThat(GraphQlGate.check(mutation, writer, new java.util.ArrayList<>())).isEmpty();

    List<String> named = new java.util.ArrayList<>();
    io.vertx.core.buffer.Buffer other =
        io.vertx.core.buffer.Buffer.buffer(
            "{\"query\":\"{ repository(owner: \\\"octo\\\", name: \\\"other\\\") { id } }\"}");
    assertThat(GraphQlGate.check(other, readOnly, named))
        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(403));
    assertThat(GraphQlGate.check(other, writer, named)).isEmpty();
    assertThat(named).containsExactly("octo/other");
  }
}
