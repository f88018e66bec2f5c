package dev.solstice.integration.github;

import static dev.solstice.integration.github.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.GitHubSimulator;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The changed files of a pull request (every page) and of a comparison, against the simulator. */
@ExtendWith(VertxExtension.class)
class ChangedFilesTest {

  static final RepoRef REPO = new RepoRef("acme", "widgets");
  GitHubSimulator sim;
  WebClientGitHubClient client;

  @BeforeEach
  void start(Vertx vertx) {
    sim = await(GitHubSimulator.start(vertx));
    sim.installation(7, "acme/widgets");
    client = ClientFixture.builder(vertx, sim).build();
  }

  @AfterEach
  void stop() {
    assertThat(sim.schemaViolations()).isEmpty();
    client.close();
    await(sim.close());
  }

  private static List<String> files(int n, String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  @Test
  void pullRequestFilesAreReadPageByPage() {
    sim.putPullRequestFiles("acme/widgets", 5, files(250, "src/f"));
    ChangedFiles f = await(client.listPullRequestFiles(7, REPO, 5));
    assertThat(f.files()).hasSize(250).startsWith("src/f0").endsWith("src/f249");
    assertThat(f.complete()).isTrue();
    assertThat(sim.count("pulls/list-files")).isEqualTo(3);
    // The token for it asks for pull_requests: read, not more.
    assertThat(sim.mints()).isEqualTo(1);
  }

  @Test
  void pullRequestAtGitHubsCapIsIncomplete() {
    sim.putPullRequestFiles("acme/widgets", 6, files(3100, "f"));
    ChangedFiles f = await(client.listPullRequestFiles(7, REPO, 6));
    assertThat(f.files()).hasSize(3000);
    assertThat(f.complete()).isFalse();
    assertThat(sim.count("pulls/list-files")).isEqualTo(30);
  }

  @Test
  void comparisonListsUpToThreeHundredFiles() {
    String base = "1111111111111111111111111111111111111111";
    String head = "2222222222222222222222222222222222222222";
    sim.putCompare("acme/widgets", base, head, List.of("README.md", "src/App.java"));
    ChangedFiles f = await(client.compareFiles(7, REPO, base, head));
    assertThat(f.files()).containsExactly("README.md", "src/App.java");
    assertThat(f.complete()).isTrue();
    sim.putCompare("acme/widgets", head, base, files(400, "x"));
    ChangedFiles capped = await(client.compareFiles(7, REPO, head, base));
    assertThat(capped.files()).hasSize(300);
    assertThat(capped.complete()).isFalse();
  }
}
