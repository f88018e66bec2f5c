package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solstice.integration.jobtoken.JobTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRegistryTest {

  static String file(String name, String token) {
    return """
        version: 1
        clients:
          - name: %s
            token_sha256: %s
            scopes:
              - method: GET
                path: "/repos/[^/]+/[^/]+/releases(/.*)?"
            repositories: [octo/app]
            budget_per_hour: 100
        """
        .formatted(name, JobTokens.hash(token));
  }

  @Test
  void validFileFindsClientByTokenAndChecksScopes() throws Exception {
    ClientRegistry r = ClientRegistry.parse(file("release-bot", "tok-1"));
    ClientRegistry.Client c = r.find("tok-1").orElseThrow();
    assertThat(c.name()).isEqualTo("release-bot");
    assertThat(c.budgetPerHour()).isEqualTo(100);
    assertThat(c.scopeFor("GET", "/repos/octo/app/releases/1")).isPresent();
    assertThat(c.scopeFor("POST", "/repos/octo/app/releases")).isEmpty();
    assertThat(c.scopeFor("GET", "/repos/octo/app/issues")).isEmpty();
    assertThat(c.reaches("Octo/App")).isTrue();
    assertThat(c.reaches("octo/other")).isFalse();
    assertThat(r.find("tok-2")).isEmpty();
  }

  @Test
  void invalidFileNamesTheLine() {
    String bad =
        file("bot", "t").replace("path: \"/repos/[^/]+/[^/]+/releases(/.*)?\"", "path: \"(\"");
    assertThatThrownBy(() -> ClientRegistry.parse(bad))
        .isInstanceOf(ClientRegistry.Invalid.class)
        .hasMessageContaining("not a regex")
        .satisfies(e -> assertThat(((ClientRegistry.Invalid) e).line()).isBetween(5, 8));
    String unknown = file("bot", "t").replace("budget_per_hour", "budget_per_day");
    assertThatThrownBy(() -> ClientRegistry.parse(unknown))
        .isInstanceOf(ClientRegistry.Invalid.class)
        .satisfies(e -> assertThat(((ClientRegistry.Invalid) e).line()).isEqualTo(9))
        .hasMessageContaining("budget_per_day");
    assertThatThrownBy(() -> ClientRegistry.parse("version: 2\nclients: []\n"))
        .isInstanceOf(ClientRegistry.Invalid.class)
        .hasMessageContaining("version");
  }

  @Test
  void theDeployExampleParses() throws Exception {
    ClientRegistry r =
        ClientRegistry.parse(Files.readString(Path.of("../deploy/gateway-clients.example.yaml")));
    assertThat(r.size()).isEqualTo(2);
  }

  @Test
  void invalidReloadKeepsThePreviousRegistry(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("clients.yaml");
    Files.writeString(p, file("one", "tok-1"));
    ClientRegistryFile f = ClientRegistryFile.load(p);
    assertThat(f.registry().find("tok-1")).isPresent();
    assertThat(f.check()).isFalse();

    Files.writeString(p, "version: 1\nclients:\n  - name: x\n    token_sha256: nothex\n");
    assertThat(f.check()).isFalse();
    assertThat(f.registry().find("tok-1")).isPresent();

    Files.writeString(p, file("two", "tok-2"));
    assertThat(f.check()).isTrue();
    assertThat(f.registry().find("tok-2").orElseThrow().name()).isEqualTo("two");
    assertThat(f.registry().find("tok-1")).isEmpty();
  }
}
