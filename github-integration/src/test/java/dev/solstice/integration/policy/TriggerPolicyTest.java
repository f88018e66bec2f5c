package dev.solstice.integration.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.workflow.KdlWorkflowParser;
import dev.solstice.integration.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerPolicyTest {

  private static final String SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

  private static BuildTrigger push(
      String ref, String message, String sender, String senderType, List<String> files) {
    return withoutPullRequest(
        "push",
        null,
        ref,
        null,
        message,
        sender,
        senderType,
        "0000000000000000000000000000000000000001",
        files);
  }

  /** A push or a Re-run request of acme/widgets: no pull request details. */
  private static BuildTrigger withoutPullRequest(
      String event,
      String action,
      String ref,
      Long checkAppId,
      String message,
      String sender,
      String senderType,
      String before,
      List<String> files) {
    return new BuildTrigger(
        event,
        action,
        "acme/widgets",
        "https://github.com/acme/widgets.git",
        SHA,
        ref,
        null,
        1L,
        checkAppId,
        null,
        null,
        message,
        sender,
        senderType,
        sender,
        null,
        List.of(),
        false,
        null,
        false,
        null,
        null,
        before,
        files,
        null,
        null);
  }

  private static BuildTrigger pr(
      String action,
      String base,
      boolean draft,
      List<String> labels,
      boolean fork,
      String association,
      String author) {
    return new BuildTrigger(
        "pull_request",
        action,
        "acme/widgets",
        "https://github.com/x/widgets.git",
        SHA,
        "refs/pull/7/head",
        7,
        1L,
        null,
        null,
        null,
        null,
        author,
        "User",
        author,
        association,
        labels,
        draft,
        fork ? "forker/widgets" : "acme/widgets",
        fork,
        base,
        "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        null,
        null,
        "feature",
        "A change");
  }

  private static BuildTrigger push(String ref) {
    return push(ref, "change", "alice", "User", List.of("src/App.java"));
  }

  private static Triggers on(String kdl) {
    Workflow w =
        new KdlWorkflowParser()
            .parse(
                Workflow.PATH,
                (kdl + "\njob \"build\" {\n    script \"make\"\n}\n")
                    .getBytes(StandardCharsets.UTF_8));
    return w.on();
  }

  // ---- service level ----------------------------------------------------------------------

  @Test
  void deniedRepositoryIsDeniedBeforeAnythingElse() {
    PolicySettings settings =
        new PolicySettings(RepoAccess.of(List.of(), List.of("acme")), ForkPolicy.ALWAYS);
    Verdict v =
        TriggerPolicy.admission(
            push("refs/heads/main", "[skip ci]", "alice", "User", null), settings);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.DENY);
    assertThat(v.reason()).contains("REPO_DENYLIST");
  }

  @Test
  void skipMarkerSkipsAPushButNotAReRun() {
    Verdict v =
        TriggerPolicy.admission(
            push("refs/heads/main", "wip [ci skip]", "alice", "User", null),
            PolicySettings.defaults());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.SKIP);
    assertThat(v.reason()).contains("[ci skip]");
    BuildTrigger rerun =
        withoutPullRequest(
            "check_suite", "rerequested", null, 2L, "wip [ci skip]", "alice", null, null, null);
    assertThat(TriggerPolicy.admission(rerun, PolicySettings.defaults()).runs()).isTrue();
  }

  @Test
  void forkPullRequestsFollowThePolicy() {
    BuildTrigger contributor =
        pr("opened", "main", false, List.of(), true, "CONTRIBUTOR", "forker");
    BuildTrigger member = pr("opened", "main", false, List.of(), true, "MEMBER", "mona");
    BuildTrigger sameRepo = pr("opened", "main", false, List.of(), false, "NONE", "someone");
    PolicySettings members = PolicySettings.defaults();
    Verdict held = TriggerPolicy.admission(contributor, members);
    assertThat(held.kind()).isEqualTo(Verdict.Kind.HOLD);
    assertThat(held.reason())
        .contains("forker/widgets")
        .contains("CONTRIBUTOR")
        .contains("FORK_PR_POLICY=members");
    assertThat(TriggerPolicy.admission(member, members).runs()).isTrue();
    assertThat(TriggerPolicy.admission(sameRepo, members).runs()).isTrue();
    PolicySettings never = new PolicySettings(RepoAccess.allowAll(), ForkPolicy.NEVER);
    assertThat(TriggerPolicy.admission(member, never).kind()).isEqualTo(Verdict.Kind.HOLD);
    PolicySettings always = new PolicySettings(RepoAccess.allowAll(), ForkPolicy.ALWAYS);
    assertThat(TriggerPolicy.admission(contributor, always).runs()).isTrue();
    // Untrusted heads read the workflow from the base, whatever the policy let run.
    assertThat(TriggerPolicy.untrustedHead(contributor)).isTrue();
    assertThat(TriggerPolicy.untrustedHead(member)).isFalse();
    assertThat(TriggerPolicy.untrustedHead(sameRepo)).isFalse();
  }

  // ---- workflow level ---------------------------------------------------------------------

  @Test
  void withoutAnOnSectionEverythingRunsAsBefore() {
    assertThat(
            TriggerPolicy.evaluate(
                    null, push("refs/heads/any", "x", "dependabot[bot]", "Bot", null))
                .runs())
        .isTrue();
    assertThat(
            TriggerPolicy.evaluate(null, pr("opened", "main", true, List.of(), false, "OWNER", "a"))
                .runs())
        .isTrue();
    assertThat(
            TriggerPolicy.evaluate(
                    null, pr("labeled", "main", false, List.of(), false, "OWNER", "a"))
                .kind())
        .isEqualTo(Verdict.Kind.IGNORE);
  }

  @Test
  void eventsNotListedAreSkippedOrIgnored() {
    Triggers pushOnly = on("on {\n    push\n}");
    assertThat(TriggerPolicy.evaluate(pushOnly, push("refs/heads/main")).runs()).isTrue();
    Verdict v =
        TriggerPolicy.evaluate(
            pushOnly, pr("synchronize", "main", false, List.of(), false, "OWNER", "a"));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.SKIP);
    assertThat(v.reason()).contains("pull_request");
    assertThat(
            TriggerPolicy.evaluate(
                    pushOnly, pr("labeled", "main", false, List.of(), false, "OWNER", "a"))
                .kind())
        .isEqualTo(Verdict.Kind.IGNORE);
  }

  @Test
  void branchAndTagFilters() {
    Triggers t =
        on(
            """
        on {
            push {
                branches "main" "release/**" "!release/**-rc"
                branches_ignore "release/old/*"
            }
        }
        """);
    assertThat(TriggerPolicy.evaluate(t, push("refs/heads/main")).runs()).isTrue();
    assertThat(TriggerPolicy.evaluate(t, push("refs/heads/release/2.0")).runs()).isTrue();
    assertThat(TriggerPolicy.evaluate(t, push("refs/heads/release/2.0-rc")).kind())
        .isEqualTo(Verdict.Kind.SKIP);
    assertThat(TriggerPolicy.evaluate(t, push("refs/heads/release/old/1")).reason())
        .contains("branches_ignore");
    assertThat(TriggerPolicy.evaluate(t, push("refs/heads/feature")).reason())
        .contains("`feature`");
    // Only branches given: tag pushes do not run.
    assertThat(TriggerPolicy.evaluate(t, push("refs/tags/v1.0")).kind())
        .isEqualTo(Verdict.Kind.SKIP);
    Triggers tags =
        on("on {\n    push {\n        tags \"v*\"\n        tags_ignore \"v0.*\"\n    }\n}");
    assertThat(TriggerPolicy.evaluate(tags, push("refs/tags/v1.0")).runs()).isTrue();
    assertThat(TriggerPolicy.evaluate(tags, push("refs/tags/v0.9")).kind())
        .isEqualTo(Verdict.Kind.SKIP);
    assertThat(TriggerPolicy.evaluate(tags, push("refs/tags/nightly")).kind())
        .isEqualTo(Verdict.Kind.SKIP);
    assertThat(TriggerPolicy.evaluate(tags, push("refs/heads/main")).reason())
        .contains("tags only");
  }

  @Test
  void pullRequestTypesBaseBranchesDraftsAndLabels() {
    Triggers t =
        on(
            """
        on {
            pull_request {
                types "opened" "synchronize" "labeled"
                branches "main"
                labels "ci" "full-ci"
                labels_ignore "no-ci"
            }
        }
        """);
    BuildTrigger ok = pr("synchronize", "main", false, List.of("CI"), false, "OWNER", "a");
    assertThat(TriggerPolicy.evaluate(t, ok).runs()).isTrue();
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("labeled", "main", false, List.of("ci"), false, "OWNER", "a"))
                .runs())
        .isTrue();
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("reopened", "main", false, List.of("ci"), false, "OWNER", "a"))
                .kind())
        .isEqualTo(Verdict.Kind.SKIP);
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("ready_for_review", "main", false, List.of("ci"), false, "OWNER", "a"))
                .kind())
        .isEqualTo(Verdict.Kind.IGNORE);
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("opened", "develop", false, List.of("ci"), false, "OWNER", "a"))
                .reason())
        .contains("base branch `develop`");
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("opened", "main", true, List.of("ci"), false, "OWNER", "a"))
                .reason())
        .contains("Draft");
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("opened", "main", false, List.of("bug"), false, "OWNER", "a"))
                .reason())
        .contains("none of the labels");
    assertThat(
            TriggerPolicy.evaluate(
                    t, pr("opened", "main", false, List.of("ci", "no-ci"), false, "OWNER", "a"))
                .reason())
        .contains("no-ci");
    Triggers drafts = on("on {\n    pull_request {\n        drafts #true\n    }\n}");
    assertThat(
            TriggerPolicy.evaluate(
                    drafts, pr("opened", "main", true, List.of(), false, "OWNER", "a"))
                .runs())
        .isTrue();
    assertThat(
            TriggerPolicy.evaluate(
                    drafts, pr("ready_for_review", "main", false, List.of(), false, "OWNER", "a"))
                .runs())
        .isTrue();
  }

  @Test
  void botsAreIgnoredByDefaultAndAuthorsFiltered() {
    Triggers t = on("on {\n    push\n    authors_ignore \"renovate[bot]\" \"mallory\"\n}");
    assertThat(
            TriggerPolicy.evaluate(t, push("refs/heads/main", "x", "dependabot[bot]", "Bot", null))
                .reason())
        .contains("bot");
    assertThat(
            TriggerPolicy.evaluate(t, push("refs/heads/main", "x", "mallory", "User", null))
                .reason())
        .contains("authors_ignore");
    assertThat(
            TriggerPolicy.evaluate(t, push("refs/heads/main", "x", "alice", "User", null)).runs())
        .isTrue();
    Triggers bots =
        on("on {\n    push\n    ignore_bots #false\n    authors \"dependabot[bot]\" \"ali*\"\n}");
    assertThat(
            TriggerPolicy.evaluate(
                    bots, push("refs/heads/main", "x", "dependabot[bot]", "Bot", null))
                .runs())
        .isTrue();
    assertThat(
            TriggerPolicy.evaluate(bots, push("refs/heads/main", "x", "Alice", "User", null))
                .runs())
        .isTrue();
    assertThat(
            TriggerPolicy.evaluate(bots, push("refs/heads/main", "x", "bob", "User", null))
                .reason())
        .contains("authors");
  }

  @Test
  void pathFilters() {
    Triggers t =
        on("on {\n    push {\n        paths \"src/**\" \"pom.xml\" \"!src/**/*.md\"\n    }\n}");
    EventFilter f = TriggerPolicy.pathFilter(t, push("refs/heads/main"));
    assertThat(f).isNotNull();
    assertThat(TriggerPolicy.paths(f, List.of("docs/a.md", "src/main/App.java")).runs()).isTrue();
    assertThat(TriggerPolicy.paths(f, List.of("pom.xml")).runs()).isTrue();
    Verdict none = TriggerPolicy.paths(f, List.of("docs/a.md", "src/README.md"));
    assertThat(none.kind()).isEqualTo(Verdict.Kind.SKIP);
    assertThat(none.reason()).contains("`docs/a.md`");
    assertThat(TriggerPolicy.paths(f, null).runs()).as("unknown files run").isTrue();
    Triggers ignore =
        on("on {\n    pull_request {\n        paths_ignore \"docs/**\" \"*.md\"\n    }\n}");
    EventFilter g =
        TriggerPolicy.pathFilter(
            ignore, pr("opened", "main", false, List.of(), false, "OWNER", "a"));
    assertThat(TriggerPolicy.paths(g, List.of("docs/x.txt", "README.md")).kind())
        .isEqualTo(Verdict.Kind.SKIP);
    assertThat(TriggerPolicy.paths(g, List.of("docs/x.txt", "src/A.java")).runs()).isTrue();
    assertThat(TriggerPolicy.pathFilter(on("on {\n    push\n}"), push("refs/heads/main"))).isNull();
    assertThat(TriggerPolicy.pathFilter(null, push("refs/heads/main"))).isNull();
  }
}
