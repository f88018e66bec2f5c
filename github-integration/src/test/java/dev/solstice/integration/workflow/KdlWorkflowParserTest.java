package dev.solstice.integration.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    Workflow w = parse("""
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
    Workflow w = parse("""
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
    InvalidWorkflowException e = invalid("""
        job "build" { script "make"; }
        job "test" {
            script "make test"
            needs "biuld"
        }
        """);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.reason()).isEqualTo("job \"test\" needs \"biuld\", which is not a job of this workflow");
    assertThat(e.formatted()).contains("4 |     needs \"biuld\"").contains("^");
  }

  @Test
  void needsCycleIsRefusedNamingTheCycle() {
    InvalidWorkflowException e = invalid("""
        job "a" { script "x"; needs "c"; }
        job "b" { script "x"; needs "a"; }
        job "c" { script "x"; needs "b"; }
        """);
    assertThat(e.reason()).startsWith("needs form a cycle: ").contains("a").contains("b").contains("c");
  }

  @Test
  void duplicateJobIdPointsAtTheSecond() {
    InvalidWorkflowException e = invalid("job \"a\" { script \"x\"; }\ngroup \"g\" {\n  job \"a\" { script \"y\"; }\n}\n");
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
    byte[] big = ("job \"a\" { script \"" + "x".repeat(KdlWorkflowParser.MAX_BYTES) + "\"; }").getBytes(StandardCharsets.UTF_8);
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
    assertThat(invalid("job \"a\" { script \"x\"; timeout \"soon\"; }").reason()).startsWith("timeout takes");
    assertThat(invalid("job \"a\" { script \"x\"; timeout 0; }").reason()).startsWith("timeout must be");
    assertThat(invalid("job \"a\" { script \"x\"; env \"1BAD\"=\"v\"; }").reason()).contains("not a valid environment variable name");
  }
}
