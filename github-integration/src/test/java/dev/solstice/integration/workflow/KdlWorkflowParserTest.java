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
        .isEqualTo(
            "job \"test\" needs \"biuld\", which is not a job of this workflow;"
                + " did you mean \"build\"?");
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

  @Test
  void unknownPropertyOfAJobIsAnErrorAtItsColumnWithASuggestion() {
    InvalidWorkflowException e =
        invalid("job \"build\" runs_onn=\"linux\" {\n    script \"make\"\n}\n");
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.column()).isEqualTo(13);
    assertThat(e.reason())
        .contains("unknown property 'runs_onn' of job \"build\"")
        .contains("did you mean 'runs_on'?");
    assertThat(e.formatted()).contains("1 | job \"build\" runs_onn").contains("            ^");
  }

  @Test
  void runsOnAndTimeoutAreAcceptedAsPropertiesOfJobAndGroupNodes() {
    Workflow w =
        parse(
            """
        job "build" runs_on="linux" timeout="20m" {
            script "make"
        }
        group "arm" runs_on="arm64" timeout=600 {
            job "test" { script "make test"; }
            job "lint" runs_on="small" { script "make lint"; }
        }
        """);
    assertThat(w.job("build").orElseThrow().runsOn()).isEqualTo("linux");
    assertThat(w.job("build").orElseThrow().timeoutSeconds()).isEqualTo(1200);
    assertThat(w.job("test").orElseThrow().runsOn()).isEqualTo("arm64");
    assertThat(w.job("test").orElseThrow().timeoutSeconds()).isEqualTo(600);
    assertThat(w.job("lint").orElseThrow().runsOn()).isEqualTo("small");
  }

  @Test
  void aSettingGivenTwiceIsAnErrorInEitherForm() {
    InvalidWorkflowException both =
        invalid("job \"a\" runs_on=\"x\" {\n    runs_on \"y\"\n    script \"make\"\n}\n");
    assertThat(both.line()).isEqualTo(2);
    assertThat(both.reason()).startsWith("runs_on is given twice for job \"a\" (first on line 1)");
    assertThat(invalid("job \"a\" {\n  timeout 5\n  timeout 6\n  script \"x\"\n}\n").reason())
        .startsWith("timeout is given twice");
    assertThat(invalid("group \"g\" runs_on=\"x\" {\n  runs_on \"y\"\n}\n").reason())
        .startsWith("runs_on is given twice for group \"g\"");
    assertThat(invalid("name \"a\"\nname \"b\"\njob \"a\" { script \"x\"; }\n").reason())
        .startsWith("'name' is given twice");
  }

  @Test
  void misspeltNodeSuggestsTheClosestName() {
    assertThat(invalid("job \"a\" {\n  scirpt \"make\"\n}\n").reason())
        .isEqualTo(
            "unknown node 'scirpt' in job \"a\"; did you mean 'script'? expected runs_on,"
                + " script, env, timeout, needs, matrix or permissions");
    assertThat(invalid("jbo \"a\" { script \"x\"; }\n").reason()).contains("did you mean 'job'?");
    assertThat(invalid("job \"a\" { script \"x\"; }\nfrobnicate\n").reason())
        .doesNotContain("did you mean")
        .contains("expected name, on");
    assertThat(
            invalid("on {\n  push {\n    brnaches \"main\"\n  }\n}\njob \"a\" { script \"x\"; }")
                .reason())
        .contains("did you mean 'branches'?");
  }

  @Test
  void propertiesAndBlocksOnNodesThatTakeNoneAreErrorsNotDropped() {
    InvalidWorkflowException shell = invalid("job \"a\" {\n    script \"make\" shell=\"zsh\"\n}\n");
    assertThat(shell.line()).isEqualTo(2);
    assertThat(shell.column()).isEqualTo(19);
    assertThat(shell.reason()).startsWith("unknown property 'shell' of script");
    assertThat(invalid("name \"CI\" color=\"red\"\njob \"a\" { script \"x\"; }").reason())
        .startsWith("unknown property 'color' of name");
    assertThat(invalid("job \"a\" { script \"x\"; needs \"b\" when=\"always\"; }").reason())
        .startsWith("unknown property 'when' of needs");
    assertThat(invalid("job \"a\" {\n  runs_on \"x\" {\n    y\n  }\n  script \"x\"\n}").reason())
        .startsWith("runs_on takes no block");
    assertThat(
            invalid(
                    "on {\n  push {\n    branches \"main\" x=1\n  }\n}\njob \"a\" { script \"x\"; }")
                .reason())
        .startsWith("unknown property 'x' of branches");
    assertThat(invalid("cancel_superseded puhs=#true\njob \"a\" { script \"x\"; }").reason())
        .contains("did you mean 'push'?");
  }

  @Test
  void permissionsAreReadAtTheTopLevelAndInAJob() {
    Workflow w =
        parse(
            """
        permissions { contents "read"; }
        job "a" {
            permissions contents="read" issues="write"
            script "x"
        }
        job "b" { script "y"; }
        """);
    assertThat(w.permissions()).containsExactly(Map.entry("contents", "read"));
    assertThat(w.job("a").orElseThrow().permissions())
        .containsExactly(Map.entry("contents", "read"), Map.entry("issues", "write"));
    assertThat(w.job("b").orElseThrow().permissions())
        .as("a job without a block of its own has the workflow's")
        .containsExactly(Map.entry("contents", "read"));
    assertThat(invalid("permissions \"all\"\njob \"a\" { script \"x\"; }").reason())
        .startsWith("permissions takes");
  }

  @Test
  void expandsMatrixIntoOneJobPerCell() {
    Workflow w =
        parse(
            """
        job "test" {
            matrix {
                jdk "17" 21
                os "linux" "arm64"
                exclude jdk="17" os="arm64"
            }
            runs_on "${{ matrix.os }}"
            env JAVA="/jvm/${{matrix.jdk}}"
            script "echo ${{ matrix.jdk }} on ${{ matrix.os }}"
        }
        job "report" { needs "test"; script "report"; }
        """);
    assertThat(w.jobs())
        .extracting(JobSpec::id)
        .containsExactly(
            "test (jdk=17, os=linux)",
            "test (jdk=21, os=linux)",
            "test (jdk=21, os=arm64)",
            "report");
    JobSpec arm = w.job("test (jdk=21, os=arm64)").orElseThrow();
    assertThat(arm.runsOn()).isEqualTo("arm64");
    assertThat(arm.script()).containsExactly("echo 21 on arm64");
    assertThat(arm.env())
        .containsEntry("JAVA", "/jvm/21")
        .containsEntry("MATRIX_JDK", "21")
        .containsEntry("MATRIX_OS", "arm64");
    assertThat(arm.matrix()).containsExactly(Map.entry("jdk", "21"), Map.entry("os", "arm64"));
    assertThat(w.job("report").orElseThrow().needs())
        .containsExactly(
            "test (jdk=17, os=linux)", "test (jdk=21, os=linux)", "test (jdk=21, os=arm64)");
  }

  @Test
  void matrixMistakesAreErrorsWithSuggestions() {
    String head = "job \"t\" {\n  script \"x ${{ matrix.os }}\"\n  matrix {\n";
    assertThat(invalid(head + "    os \"linux\"\n    exclude os=\"linx\"\n  }\n}").reason())
        .contains("exclude os=\"linx\" matches no value of os; did you mean 'linux'?");
    assertThat(invalid(head + "    os \"linux\"\n    exclude o=\"linux\"\n  }\n}").reason())
        .contains("did you mean 'os'?");
    assertThat(invalid(head + "    os \"linux\"\n    exlude os=\"linux\"\n  }\n}").reason())
        .contains("did you mean 'exclude'?");
    assertThat(invalid(head + "    os \"linux\"\n    exclude os=\"linux\"\n  }\n}").reason())
        .contains("excludes every combination");
    InvalidWorkflowException ref = invalid(head + "    oss \"linux\"\n  }\n}");
    assertThat(ref.line()).isEqualTo(2);
    assertThat(ref.reason()).contains("'os' is not an axis").contains("did you mean 'oss'?");
    assertThat(invalid("job \"t\" {\n  runs_on \"${{ matrix.os }}\"\n  script \"x\"\n}").reason())
        .contains("has no matrix");
    assertThat(invalid(head + "    os \"a\" \"a\"\n  }\n}").reason()).contains("twice");
  }

  @Test
  void matrixBeyondTheJobLimitIsRefused() {
    String values =
        java.util.stream.IntStream.range(0, 20)
            .mapToObj(i -> " \"" + i + "\"")
            .collect(java.util.stream.Collectors.joining());
    InvalidWorkflowException e =
        invalid(
            "job \"t\" {\n  script \"x\"\n  matrix {\n    a"
                + values
                + "\n    b"
                + values
                + "\n  }\n}");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("more than 256 jobs");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      many.append("job \"j").append(i).append("\" { script \"x\"; }\n");
    }
    many.append("job \"m\" {\n  script \"x\"\n  matrix {\n    a");
    for (int i = 0; i < 60; i++) {
      many.append(" \"").append(i).append('"');
    }
    many.append("\n  }\n}\n");
    InvalidWorkflowException total = invalid(many.toString());
    assertThat(total.line()).isEqualTo(203);
    assertThat(total.reason()).contains("makes 260 jobs").contains("the limit is 256");
  }

  @Test
  void documentedMatrixExampleIsTheTestedFile() throws java.io.IOException {
    java.nio.file.Path root = java.nio.file.Path.of(System.getProperty("solstice.root", ".."));
    String example =
        java.nio.file.Files.readString(root.resolve("docs/examples/workflow-matrix.kdl"));
    assertThat(java.nio.file.Files.readString(root.resolve("docs/workflow-kdl.md")))
        .as("docs/workflow-kdl.md shows docs/examples/workflow-matrix.kdl verbatim")
        .contains("```kdl\n" + example + "```");
    Workflow w = parse(example);
    assertThat(w.jobs())
        .extracting(JobSpec::id, JobSpec::runsOn)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("build", "linux-x64"),
            org.assertj.core.groups.Tuple.tuple("test (jdk=17, os=linux)", "linux"),
            org.assertj.core.groups.Tuple.tuple("test (jdk=21, os=linux)", "linux"),
            org.assertj.core.groups.Tuple.tuple("test (jdk=21, os=arm64)", "arm64"),
            org.assertj.core.groups.Tuple.tuple("publish", null));
    assertThat(w.job("test (jdk=21, os=arm64)").orElseThrow().env())
        .containsEntry("JAVA_HOME", "/usr/lib/jvm/java-21");
    assertThat(w.job("publish").orElseThrow().needs()).hasSize(3);
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
