package dev.solstice.integration.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solstice.integration.core.InvalidWorkflowException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KdlWorkflowParserTest {

  private final KdlWorkflowParser parser = new KdlWorkflowParser();

  private Workflow parse(String kdl) {
    return parser.parse(Workflow.PATH, kdl.getBytes(StandardCharsets.UTF_8));
  }

  private InvalidWorkflowException invalid(String kdl) {
    try {
      parse(kdl);
    } catch (InvalidWorkflowException e) {
      return e;
    }
    throw new AssertionError("expected the workflow to be refused:\n" + kdl);
  }

  @Test
  void readsTheDocumentedExample() {
    Workflow w =
        parse(
            """
        name "CI"

        job "lint" {
            runs_on "small"
            script "mvn -B -q spotless:check"
        }

        group "linux" {
            runs_on "linux-x64"
            env CI="true" JAVA_VERSION="17"

            job "build" {
                script "mvn -B -DskipTests package"
                timeout "20m"
            }

            job "test" {
                needs "build"
                env { JAVA_TOOL_OPTIONS "-Xmx2g"; }
                script \"""
                    mvn -B verify
                    echo "tests done"
                    \"""
                timeout 1800
            }
        }
        """);
    assertThat(w.name()).isEqualTo("CI");
    assertThat(w.jobs()).extracting(JobSpec::id).containsExactly("lint", "build", "test");
    JobSpec lint = w.job("lint").orElseThrow();
    assertThat(lint.runsOn()).isEqualTo("small");
    assertThat(lint.group()).isNull();
    assertThat(lint.line()).isEqualTo(3);
    JobSpec build = w.job("build").orElseThrow();
    assertThat(build.runsOn()).isEqualTo("linux-x64");
    assertThat(build.group()).isEqualTo("linux");
    assertThat(build.env()).isEqualTo(Map.of("CI", "true", "JAVA_VERSION", "17"));
    assertThat(build.timeoutSeconds()).isEqualTo(1200);
    JobSpec test = w.job("test").orElseThrow();
    assertThat(test.needs()).containsExactly("build");
    assertThat(test.script()).containsExactly("mvn -B verify", "echo \"tests done\"");
    assertThat(test.env()).containsEntry("JAVA_TOOL_OPTIONS", "-Xmx2g").containsEntry("CI", "true");
    assertThat(test.timeoutSeconds()).isEqualTo(1800);
  }

  @Test
  void jobRunsOnAndEnvOverrideTheGroups() {
    Workflow w =
        parse(
            """
        group "g" {
            runs_on "group-label"
            env A="group" B="group"
            job "j" { runs_on "job-label"; env B="job"; script "true"; }
        }
        """);
    JobSpec j = w.jobs().get(0);
    assertThat(j.runsOn()).isEqualTo("job-label");
    assertThat(j.env()).isEqualTo(Map.of("A", "group", "B", "job"));
  }

  @Test
  void kdlSyntaxErrorSaysWhereWithACaret() {
    InvalidWorkflowException e = invalid("job \"build\" {\n    script \"make\n}\n");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.path()).isEqualTo(".solstice/workflow.kdl");
    assertThat(e.formatted()).contains("^");
  }

  @Test
  void unknownNeedPointsAtTheNeedsLine() {
    InvalidWorkflowException e =
        invalid(
            """
        job "build" { script "make"; }
        job "test" {
            script "make test"
            needs "biuld"
        }
        """);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.reason())
        .isEqualTo("job \"test\" needs \"biuld\", which is not a job of this workflow");
    assertThat(e.formatted()).contains("4 |     needs \"biuld\"").contains("^");
  }

  @Test
  void needsCycleIsRefusedNamingTheCycle() {
    InvalidWorkflowException e =
        invalid(
            """
        job "a" { script "x"; needs "c"; }
        job "b" { script "x"; needs "a"; }
        job "c" { script "x"; needs "b"; }
        """);
    assertThat(e.reason())
        .startsWith("needs form a cycle: ")
        .contains("a")
        .contains("b")
        .contains("c");
  }

  @Test
  void duplicateJobIdPointsAtTheSecond() {
    InvalidWorkflowException e =
        invalid("job \"a\" { script \"x\"; }\ngroup \"g\" {\n  job \"a\" { script \"y\"; }\n}\n");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("duplicate job id \"a\"").contains("line 1");
  }

  @Test
  void jobWithoutScriptIsRefused() {
    InvalidWorkflowException e = invalid("job \"a\" {\n  runs_on \"x\"\n}\n");
    assertThat(e.reason()).isEqualTo("job \"a\" has no script; add script \"<command>\"");
    assertThat(e.line()).isEqualTo(1);
  }

  @Test
  void misspeltNodeIsAnErrorNotIgnored() {
    InvalidWorkflowException e = invalid("job \"a\" {\n  scirpt \"make\"\n}\n");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.reason()).contains("unknown node 'scirpt'");
  }

  @Test
  void moreThan256JobsIsRefused() {
    StringBuilder kdl = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      kdl.append("job \"j").append(i).append("\" { script \"true\"; }\n");
    }
    InvalidWorkflowException e = invalid(kdl.toString());
    assertThat(e.reason()).startsWith("more than 256 jobs");
    assertThat(e.line()).isEqualTo(257);
  }

  @Test
  void fileOverOneMegabyteIsRefusedBeforeParsing() {
    byte[] big =
        ("job \"a\" { script \"" + "x".repeat(KdlWorkflowParser.MAX_BYTES) + "\"; }")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parser.parse(Workflow.PATH, big))
        .isInstanceOf(InvalidWorkflowException.class)
        .hasMessageContaining("limit is 1048576");
  }

  @Test
  void deeplyNestedFileIsRefusedWithoutStackOverflow() {
    String deep = "job \"a\" ".repeat(1) + "{ x ".repeat(50_000) + "}".repeat(50_000);
    InvalidWorkflowException e = invalid(deep);
    assertThat(e.getMessage()).containsIgnoringCase("nest");
  }

  @Test
  void emptyWorkflowIsRefused() {
    assertThat(invalid("// nothing here\n").reason()).isEqualTo("the workflow has no jobs");
  }

  @Test
  void badTimeoutAndBadEnvNamesAreRefused() {
    assertThat(invalid("job \"a\" { script \"x\"; timeout \"soon\"; }").reason())
        .startsWith("timeout takes");
    assertThat(invalid("job \"a\" { script \"x\"; timeout 0; }").reason())
        .startsWith("timeout must be");
    assertThat(invalid("job \"a\" { script \"x\"; env \"1BAD\"=\"v\"; }").reason())
        .contains("not a valid environment variable name");
  }

  @Test
  void readsTheOnSectionAndCancelSuperseded() {
    Workflow w =
        parse(
            """
        on {
            push {
                branches "main" "release/**"
                tags "v*"
                paths "src/**" "!src/**/*.md"
            }
            pull_request {
                types "opened" "synchronize" "ready_for_review"
                branches_ignore "legacy"
                paths_ignore "docs/**"
                labels "ci"
                labels_ignore "no-ci"
                drafts #true
            }
            ignore_bots #false
            authors "alice" "dependabot[bot]"
            authors_ignore "mallory"
        }
        cancel_superseded push=#true
        job "build" {
            script "make"
        }
        """);
    assertThat(w.on()).isNotNull();
    assertThat(w.on().push().branches().patterns()).containsExactly("main", "release/**");
    assertThat(w.on().push().tags().matches("v1.0")).isTrue();
    assertThat(w.on().push().paths().patterns()).containsExactly("src/**", "!src/**/*.md");
    assertThat(w.on().pullRequest().types())
        .containsExactlyInAnyOrder("opened", "synchronize", "ready_for_review");
    assertThat(w.on().pullRequest().branchesIgnore().matches("legacy")).isTrue();
    assertThat(w.on().pullRequest().labels()).containsExactly("ci");
    assertThat(w.on().pullRequest().labelsIgnore()).containsExactly("no-ci");
    assertThat(w.on().pullRequest().drafts()).isTrue();
    assertThat(w.on().ignoreBots()).isFalse();
    assertThat(w.on().authors().matches("dependabot[bot]")).isTrue();
    assertThat(w.on().authors().matches("dependabotb")).isFalse();
    assertThat(w.on().authorsIgnore().matches("Mallory")).isTrue();
    assertThat(w.cancelsSuperseded("push")).isTrue();
    assertThat(w.cancelsSuperseded("pull_request")).isTrue();
  }

  @Test
  void withoutOnTheWorkflowRunsEverywhereAndCancelsSupersededPullRequestsOnly() {
    Workflow w = parse("job \"build\" {\n    script \"make\"\n}\n");
    assertThat(w.on()).isNull();
    assertThat(w.cancelsSuperseded("pull_request")).isTrue();
    assertThat(w.cancelsSuperseded("push")).isFalse();
    Workflow off = parse("cancel_superseded #false\njob \"build\" {\n    script \"make\"\n}\n");
    assertThat(off.cancelsSuperseded("pull_request")).isFalse();
    Workflow bare = parse("on {\n    push\n}\njob \"build\" {\n    script \"make\"\n}\n");
    assertThat(bare.on().push()).isNotNull();
    assertThat(bare.on().pullRequest()).isNull();
    assertThat(bare.on().ignoreBots()).isTrue();
    assertThat(bare.on().push().drafts()).isFalse();
  }

  @Test
  void refusesMistakesInTheOnSection() {
    String job = "job \"build\" {\n    script \"make\"\n}\n";
    assertThat(invalid("on {\n    pushh\n}\n" + job).getMessage())
        .contains("unknown node 'pushh' in on");
    assertThat(invalid("on {\n    push {\n        branch \"main\"\n    }\n}\n" + job).getMessage())
        .contains("unknown node 'branch' in push");
    assertThat(invalid("on {\n    push {\n        labels \"ci\"\n    }\n}\n" + job).getMessage())
        .contains("unknown node 'labels' in push");
    InvalidWorkflowException type =
        invalid("on {\n    pull_request {\n        types \"closed\"\n    }\n}\n" + job);
    assertThat(type.getMessage()).contains("\"closed\"");
    assertThat(type.line()).isEqualTo(3);
    assertThat(invalid("on {\n    push {\n        tags \"v[0-9\"\n    }\n}\n" + job).getMessage())
        .contains("unclosed");
    assertThat(invalid("on {\n    ignore_bots #false\n}\n" + job).getMessage())
        .contains("names no event");
    assertThat(invalid("on {\n    push\n}\non {\n    push\n}\n" + job).getMessage())
        .contains("second 'on'");
    assertThat(invalid("on {\n    push\n    push\n}\n" + job).getMessage()).contains("twice");
    assertThat(
            invalid("on {\n    pull_request {\n        drafts \"yes\"\n    }\n}\n" + job)
                .getMessage())
        .contains("#true or #false");
    assertThat(invalid("cancel_superseded tags=#true\n" + job).getMessage())
        .contains("unknown property 'tags'");
  }

  // Issue 13: permissions of the job's token.

  @Test
  void readsPermissionsAtTheTopAndPerJobAndJobsWithoutOneInheritTheWorkflows() {
    Workflow w =
        parse(
            """
        job "comment" {
            script "gh pr comment"
            permissions { pull_requests "write"; issues "write"; }
        }
        job "test" { script "mvn verify"; }
        permissions { contents "read"; checks "write"; }
        """);
    assertThat(w.job("comment").orElseThrow().permissions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("pull_requests", "write", "issues", "write"));
    assertThat(w.job("test").orElseThrow().permissions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("contents", "read", "checks", "write"));
  }

  @Test
  void aJobWithoutPermissionsAnywhereHasNone() {
    assertThat(parse("job \"a\" { script \"true\"; }").job("a").orElseThrow().permissions())
        .isNull();
  }

  @Test
  void refusesAnUnknownPermissionNamingTheLineAndTheKnownOnes() {
    InvalidWorkflowException e =
        invalid(
            """
        job "a" {
            script "true"
            permissions {
                administration "write"
            }
        }
        """);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.reason())
        .contains("unknown permission 'administration'")
        .contains("contents, issues, metadata, pull_requests, statuses");
  }

  @Test
  void refusesAnUnknownLevelAndWriteOnMetadata() {
    assertThat(invalid("permissions { contents \"admin\"; }\njob \"a\" { script \"x\"; }").reason())
        .contains("permission contents takes \"read\", \"write\" or \"none\", not \"admin\"");
    assertThat(invalid("permissions { metadata \"write\"; }\njob \"a\" { script \"x\"; }").reason())
        .contains("permission metadata takes \"read\" or \"none\"");
    assertThat(invalid("permissions \"write-all\"\njob \"a\" { script \"x\"; }").reason())
        .contains("permissions takes a block");
  }

  @Test
  void permissionsDefaultToReadingTheCodeAndForkPullRequestsNeverWrite() {
    assertThat(Permissions.effective(null, false))
        .containsExactlyInAnyOrderEntriesOf(Map.of("contents", "read", "metadata", "read"));
    assertThat(Permissions.effective(Map.of("issues", "write", "contents", "none"), false))
        .containsExactlyInAnyOrderEntriesOf(Map.of("issues", "write", "metadata", "read"));
    assertThat(Permissions.effective(Map.of("issues", "write", "contents", "write"), true))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("issues", "read", "contents", "read", "metadata", "read"));
  }
}
