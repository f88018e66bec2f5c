package dev.solstice.integration.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.InvalidWebhookException;
import dev.solstice.integration.core.WebhookEvent;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookParserTest {

  private final WebhookParser parser = new WebhookParser();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void pushBecomesATriggerOnTheAfterCommit() {
    BuildTrigger t = (BuildTrigger) parser.parse("push", RecordedWebhooks.payload("push.json"));
    assertThat(t.event()).isEqualTo("push");
    assertThat(t.repository()).isEqualTo("Codertocat/Hello-World");
    assertThat(t.repoUrl()).isEqualTo("https://github.com/Codertocat/Hello-World.git");
    assertThat(t.commitSha()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    assertThat(t.ref()).isEqualTo("refs/heads/master");
    assertThat(t.installationId()).isEqualTo(1L);
    assertThat(t.pullRequestNumber()).isNull();
  }

  @Test
  void pushFallsBackToTheSshUrlWithoutACloneUrl() throws Exception {
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    ((ObjectNode) push.get("repository")).remove("clone_url");
    BuildTrigger t = (BuildTrigger) parser.parse("push", json.writeValueAsBytes(push));
    assertThat(t.repoUrl()).isEqualTo("git@github.com:Codertocat/Hello-World.git");
  }

  @Test
  void branchDeletionIsIgnored() {
    assertThat(parser.parse("push", RecordedWebhooks.payload("push.deleted.json")))
        .isInstanceOf(WebhookEvent.Ignored.class);
  }

  @Test
  void zeroAfterShaIsADeletionEvenWithoutTheDeletedFlag() throws Exception {
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    push.put("after", "0000000000000000000000000000000000000000");
    assertThat(parser.parse("push", json.writeValueAsBytes(push)))
        .isInstanceOf(WebhookEvent.Ignored.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pull_request.opened.json",
        "pull_request.synchronize.json",
        "pull_request.reopened.json"
      })
  void pullRequestActionsThatChangeCodeTriggerOnTheHeadSha(String fixture) throws Exception {
    var payload = json.readTree(RecordedWebhooks.payload(fixture));
    BuildTrigger t = (BuildTrigger) parser.parse("pull_request", RecordedWebhooks.payload(fixture));
    assertThat(t.commitSha()).isEqualTo(payload.at("/pull_request/head/sha").asText());
    assertThat(t.repoUrl()).isEqualTo(payload.at("/pull_request/head/repo/clone_url").asText());
    assertThat(t.pullRequestNumber()).isEqualTo(payload.get("number").asInt());
    assertThat(t.ref()).isEqualTo("refs/pull/" + payload.get("number").asInt() + "/head");
  }

  @Test
  void closedPullRequestIsATriggerThatNamesThePullRequestItsJobsBelongTo() {
    BuildTrigger t =
        (BuildTrigger)
            parser.parse("pull_request", RecordedWebhooks.payload("pull_request.closed.json"));
    assertThat(t.isClosedPullRequest()).isTrue();
    assertThat(t.pullRequestNumber()).isEqualTo(2);
    assertThat(t.installationId()).isEqualTo(1L);
    assertThat(t.ref()).isEqualTo("refs/pull/2/head");
  }

  @Test
  void pingAndUnknownEvents() {
    assertThat(parser.parse("ping", RecordedWebhooks.payload("ping.json")))
        .isInstanceOf(WebhookEvent.Ping.class);
    assertThat(parser.parse("member", RecordedWebhooks.payload("ping.json")))
        .isInstanceOf(WebhookEvent.Ignored.class);
  }

  @Test
  void readsTheInstallationLifecycleEvents() {
    var created =
        (dev.solstice.integration.core.InstallationChange)
            parser.parse("installation", RecordedWebhooks.payload("installation.created.json"));
    assertThat(created.installationId()).isEqualTo(957387L);
    assertThat(created.accountLogin()).isEqualTo("Codertocat");
    assertThat(created.added()).extracting(r -> r.fullName()).contains("Codertocat/Hello-World");
    assertThat(created.status()).isEqualTo(dev.solstice.integration.core.InstallationStatus.ACTIVE);
    var suspended =
        (dev.solstice.integration.core.InstallationChange)
            parser.parse("installation", RecordedWebhooks.payload("installation.suspend.json"));
    assertThat(suspended.status())
        .isEqualTo(dev.solstice.integration.core.InstallationStatus.SUSPENDED);
    var deleted =
        (dev.solstice.integration.core.InstallationChange)
            parser.parse("installation", RecordedWebhooks.payload("installation.deleted.json"));
    assertThat(deleted.status())
        .isEqualTo(dev.solstice.integration.core.InstallationStatus.DELETED);
    var removed =
        (dev.solstice.integration.core.InstallationChange)
            parser.parse(
                "installation_repositories",
                RecordedWebhooks.payload("installation_repositories.removed.json"));
    assertThat(removed.removed()).hasSize(1);
    assertThat(removed.added()).isEmpty();
  }

  @Test
  void checkRunRerequestKeepsTheOriginalShaAndTheRunsIdentity() throws Exception {
    var payload = json.readTree(RecordedWebhooks.payload("check_run.rerequested.json"));
    BuildTrigger t =
        (BuildTrigger)
            parser.parse("check_run", RecordedWebhooks.payload("check_run.rerequested.json"));
    assertThat(t.commitSha()).isEqualTo(payload.at("/check_run/head_sha").asText());
    assertThat(t.checkAppId()).isEqualTo(payload.at("/check_run/app/id").asLong());
    assertThat(t.rerunCheckName()).isEqualTo(payload.at("/check_run/name").asText());
    assertThat(t.isRerun()).isTrue();
  }

  @Test
  void checkSuiteRerequestTriggersOnTheSuitesHeadSha() throws Exception {
    var payload = json.readTree(RecordedWebhooks.payload("check_suite.rerequested.json"));
    BuildTrigger t =
        (BuildTrigger)
            parser.parse("check_suite", RecordedWebhooks.payload("check_suite.rerequested.json"));
    assertThat(t.commitSha()).isEqualTo(payload.at("/check_suite/head_sha").asText());
    assertThat(t.checkAppId()).isEqualTo(29310L);
  }

  @Test
  void rerunOfAForksCheckSuiteIsAForkTrigger() throws Exception {
    // GitHub: "When the check suite's head_branch is in a forked repository it will be null and
    // the pull_requests array will be empty."
    ObjectNode payload =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("check_suite.rerequested.json"));
    ((ObjectNode) payload.get("check_suite")).putNull("head_branch");
    ((ObjectNode) payload.get("check_suite")).putArray("pull_requests");
    BuildTrigger t = (BuildTrigger) parser.parse("check_suite", json.writeValueAsBytes(payload));
    assertThat(t.fork()).isTrue();
    assertThat(t.author()).as("the author is the pull request's, not the re-runner").isNull();
    assertThat(t.baseRef()).isEqualTo(payload.at("/repository/default_branch").asText());
  }

  @Test
  void rerunListingAPullRequestFromAnotherRepositoryIsAForkTrigger() throws Exception {
    ObjectNode payload =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("check_suite.rerequested.json"));
    ((ObjectNode) payload.at("/check_suite/pull_requests/0/head/repo")).put("id", 42);
    BuildTrigger t = (BuildTrigger) parser.parse("check_suite", json.writeValueAsBytes(payload));
    assertThat(t.fork()).isTrue();
    assertThat(t.pullRequestNumber()).isEqualTo(2);
    assertThat(t.baseSha()).isEqualTo(payload.at("/check_suite/pull_requests/0/base/sha").asText());
  }

  @Test
  void rerunOfASameRepositoryBranchIsNoFork() throws Exception {
    BuildTrigger suite =
        (BuildTrigger)
            parser.parse("check_suite", RecordedWebhooks.payload("check_suite.rerequested.json"));
    BuildTrigger run =
        (BuildTrigger)
            parser.parse("check_run", RecordedWebhooks.payload("check_run.rerequested.json"));
    assertThat(suite.fork()).isFalse();
    assertThat(run.fork()).isFalse();
  }

  @Test
  void malformedJsonSaysSo() {
    assertThatThrownBy(() -> parser.parse("push", "{\"ref\": ".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessageStartingWith("body is not valid JSON");
  }

  @Test
  void missingRepositoryNamesTheField() throws Exception {
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    push.remove("repository");
    assertThatThrownBy(() -> parser.parse("push", json.writeValueAsBytes(push)))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessage("missing field: repository");
  }

  @Test
  void nullHeadShaNamesTheField() throws Exception {
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ((ObjectNode) pr.at("/pull_request/head")).putNull("sha");
    assertThatThrownBy(() -> parser.parse("pull_request", json.writeValueAsBytes(pr)))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessage("missing field: pull_request.head.sha");
  }

  @Test
  void nonShaAfterIsRefused() throws Exception {
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    push.put("after", "refs/heads/main");
    assertThatThrownBy(() -> parser.parse("push", json.writeValueAsBytes(push)))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessageContaining("after");
  }

  @Test
  void jsonThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> parser.parse("push", "[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessage("body must be a JSON object");
  }

  @Test
  void pushCarriesTheFactsTriggerFiltersNeed() {
    BuildTrigger t = (BuildTrigger) parser.parse("push", RecordedWebhooks.payload("push.json"));
    assertThat(t.headCommitMessage()).isEqualTo("Initial commit");
    assertThat(t.sender()).isEqualTo("Codertocat");
    assertThat(t.senderType()).isEqualTo("User");
    assertThat(t.senderIsBot()).isFalse();
    assertThat(t.author()).isEqualTo("Codertocat");
    assertThat(t.branch()).isEqualTo("master");
    assertThat(t.tag()).isNull();
    assertThat(t.beforeSha()).isEqualTo("0000000000000000000000000000000000000000");
    assertThat(t.changedFiles()).containsExactly("README.md");
    assertThat(t.fork()).isFalse();
    BuildTrigger tag =
        (BuildTrigger) parser.parse("push", RecordedWebhooks.payload("push.tag.json"));
    assertThat(tag.tag()).isNotNull();
    assertThat(tag.branch()).isNull();
  }

  @Test
  void pushFilesAreUnknownAtGitHubsCapOfTwentyCommits() throws Exception {
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    var commits = push.withArray("commits");
    var one = commits.get(0);
    for (int i = 1; i < 20; i++) {
      commits.add(one.deepCopy());
    }
    ((ObjectNode) push.get("sender")).put("type", "Bot").put("login", "dependabot[bot]");
    BuildTrigger t = (BuildTrigger) parser.parse("push", json.writeValueAsBytes(push));
    assertThat(t.changedFiles()).isNull();
    assertThat(t.senderIsBot()).isTrue();
  }

  @Test
  void pullRequestCarriesAuthorLabelsDraftAndBase() {
    BuildTrigger t =
        (BuildTrigger)
            parser.parse("pull_request", RecordedWebhooks.payload("pull_request.synchronize.json"));
    assertThat(t.author()).isEqualTo("Codertocat");
    assertThat(t.authorAssociation()).isEqualTo("OWNER");
    assertThat(t.labels()).containsExactly("bug");
    assertThat(t.draft()).isFalse();
    assertThat(t.headRepository()).isEqualTo("Codertocat/Hello-World");
    assertThat(t.fork()).isFalse();
    assertThat(t.baseRef()).isEqualTo("master");
    assertThat(t.baseSha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
    assertThat(t.changedFiles()).isNull();
    assertThat(t.headRef()).isEqualTo("changes");
    assertThat(t.pullRequestTitle()).isEqualTo("Update the README with new information.");
  }

  @Test
  void pullRequestFromAForkOrADeletedForkIsAFork() throws Exception {
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ((ObjectNode) pr.at("/pull_request/head/repo")).put("full_name", "Forker/Hello-World");
    ((ObjectNode) pr.get("pull_request"))
        .put("author_association", "FIRST_TIME_CONTRIBUTOR")
        .put("draft", true);
    BuildTrigger fork = (BuildTrigger) parser.parse("pull_request", json.writeValueAsBytes(pr));
    assertThat(fork.fork()).isTrue();
    assertThat(fork.headRepository()).isEqualTo("Forker/Hello-World");
    assertThat(fork.authorAssociation()).isEqualTo("FIRST_TIME_CONTRIBUTOR");
    assertThat(fork.draft()).isTrue();
    ((ObjectNode) pr.at("/pull_request/head")).putNull("repo");
    BuildTrigger deleted = (BuildTrigger) parser.parse("pull_request", json.writeValueAsBytes(pr));
    assertThat(deleted.fork()).isTrue();
    assertThat(deleted.headRepository()).isNull();
  }

  @Test
  void readyForReviewAndLabeledAreTriggersThatTheWorkflowDecidesOn() throws Exception {
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    for (String action : new String[] {"ready_for_review", "labeled"}) {
      pr.put("action", action);
      assertThat(parser.parse("pull_request", json.writeValueAsBytes(pr)))
          .isInstanceOf(BuildTrigger.class);
    }
    pr.put("action", "assigned");
    assertThat(parser.parse("pull_request", json.writeValueAsBytes(pr)))
        .isInstanceOf(WebhookEvent.Ignored.class);
  }
}
