package dev.solstice.integration.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.InvalidWebhookException;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.PullRequestRef;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.policy.ForkPolicy;
import dev.solstice.integration.policy.PolicySettings;
import dev.solstice.integration.policy.RepoAccess;
import dev.solstice.integration.webhook.WebhookParser;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Events × workflow files × policies → plans, with no broker, no GitHub and no Vert.x: the
 * planner's reads are answered from the case, and the test records which reads it asked for.
 */
class PlannerTest {

  private static final long APP_ID = 2;
  private static final String DELIVERY = "d-1";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  // ---- workflow files ------------------------------------------------------------------------

  private static final String NONE = null;
  private static final String NEEDS =
      """
      job "build" { script "make"; }
      job "test" { script "make test"; needs "build"; }
      """;
  private static final String SINGLE =
      """
      job "build" { script "make"; }
      """;
  private static final String INVALID =
      """
      job "build" {
          script "make
      }
      """;
  private static final String PUSH_SRC_ONLY =
      """
      on {
          push {
              paths "src/**"
          }
          pull_request {
              paths "src/**"
          }
      }
      job "build" { script "make"; }
      """;
  private static final String PULL_REQUESTS_ONLY =
      """
      on {
          pull_request
      }
      job "build" { script "make"; }
      """;
  private static final String MATRIX =
      """
      job "test" {
          matrix {
              jdk "17" "21"
              os "linux" "arm64"
              exclude jdk="17" os="arm64"
          }
          runs_on "${{ matrix.os }}"
          script "mvn -B verify -Djava.release=${{ matrix.jdk }}"
      }
      job "report" { script "report"; needs "test"; }
      """;
  private static final String CANCELS_PUSHES =
      """
      cancel_superseded push=#true
      job "build" { script "make"; }
      """;

  // ---- policies ------------------------------------------------------------------------------

  private static final PolicySettings DEFAULTS = PolicySettings.defaults();
  private static final PolicySettings DENY_HELLO =
      new PolicySettings(
          RepoAccess.of(List.of(), List.of("Codertocat/Hello-World")), ForkPolicy.MEMBERS);
  private static final PolicySettings FORKS_NEVER =
      new PolicySettings(RepoAccess.allowAll(), ForkPolicy.NEVER);
  private static final PolicySettings FORKS_ALWAYS =
      new PolicySettings(RepoAccess.allowAll(), ForkPolicy.ALWAYS);

  // ---- events (recorded payloads, changed where a case needs it) -----------------------------

  private static BuildTrigger event(String event, String fixture, Consumer<ObjectNode> change) {
    try {
      ObjectNode payload = (ObjectNode) JSON.readTree(RecordedWebhooks.payload(fixture));
      change.accept(payload);
      return (BuildTrigger) new WebhookParser().parse(event, JSON.writeValueAsBytes(payload));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BuildTrigger event(String event, String fixture) {
    return event(event, fixture, p -> {});
  }

  private static BuildTrigger push() {
    return event("push", "push.json");
  }

  private static BuildTrigger pushWithMessage(String message) {
    return event(
        "push", "push.json", p -> ((ObjectNode) p.get("head_commit")).put("message", message));
  }

  /**
   * A push whose commits GitHub did not list (more than 20): the files come from the compare API.
   */
  private static BuildTrigger pushWithoutFileList() {
    return event(
        "push",
        "push.json",
        p -> {
          p.put("before", "1111111111111111111111111111111111111111");
          p.putArray("commits");
        });
  }

  private static BuildTrigger tagPush() {
    return event("push", "push.tag.json", p -> p.putObject("installation").put("id", 1));
  }

  private static BuildTrigger pullRequest(String fixture) {
    return event("pull_request", fixture);
  }

  private static BuildTrigger forkPullRequest(String association) {
    return event(
        "pull_request",
        "pull_request.opened.json",
        p -> {
          ObjectNode pr = (ObjectNode) p.get("pull_request");
          pr.put("author_association", association);
          ((ObjectNode) pr.get("head").get("repo")).put("full_name", "forker/Hello-World");
        });
  }

  private static BuildTrigger rerunOf(String checkName) {
    return event(
        "check_run",
        "check_run.rerequested.json",
        p -> ((ObjectNode) p.get("check_run")).put("name", checkName));
  }

  private static BuildTrigger suiteRerun(long appId) {
    return event(
        "check_suite",
        "check_suite.rerequested.json",
        p -> ((ObjectNode) p.get("check_suite").get("app")).put("id", appId));
  }

  /** The base commit of the pull requests GitHub lists for a fork's Re-run. */
  private static final String BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";

  /**
   * Re-run all jobs on a fork pull request's checks: GitHub's check_suite then has {@code
   * head_branch} null and {@code pull_requests} empty.
   */
  private static BuildTrigger forkSuiteRerun() {
    return event(
        "check_suite",
        "check_suite.rerequested.json",
        p -> {
          ObjectNode suite = (ObjectNode) p.get("check_suite");
          ((ObjectNode) suite.get("app")).put("id", APP_ID);
          suite.putNull("head_branch");
          suite.putArray("pull_requests");
        });
  }

  /** Re-run of one check run of a fork pull request. */
  private static BuildTrigger forkRunRerun(String checkName) {
    return event(
        "check_run",
        "check_run.rerequested.json",
        p -> {
          ObjectNode run = (ObjectNode) p.get("check_run");
          run.put("name", checkName);
          ((ObjectNode) run.get("check_suite")).putNull("head_branch");
        });
  }

  /**
   * A suite re-run whose payload lists a pull request from another repository (head repo id not the
   * base's).
   */
  private static BuildTrigger listedForkSuiteRerun() {
    return event(
        "check_suite",
        "check_suite.rerequested.json",
        p -> {
          ObjectNode suite = (ObjectNode) p.get("check_suite");
          ((ObjectNode) suite.get("app")).put("id", APP_ID);
          ((ObjectNode) suite.at("/pull_requests/0/head/repo")).put("id", 42);
        });
  }

  /** The open pull request GitHub lists for the re-run commit: from a fork, by {@code author}. */
  private static PullRequestRef forkPull(String association) {
    return new PullRequestRef(
        2,
        "open",
        "0000000000000000000000000000000000000000",
        "forker/Hello-World",
        "Codertocat/Hello-World",
        "master",
        BASE_SHA,
        "forker",
        association);
  }

  // ---- the table -----------------------------------------------------------------------------

  /**
   * One case: what the planner read, then the plan in a few words: {@code nothing}; {@code now
   * [jobs] held [jobs]} (with {@code supersede} when a new head cancels the previous one's jobs);
   * {@code skipped|neutral [jobs]}; {@code invalid}.
   */
  static Stream<Arguments> cases() {
    List<String> src = List.of("src/App.java");
    List<String> docs = List.of("docs/README.md");
    return Stream.of(
        // push
        row(
            "push, no workflow: the default job",
            push(),
            NONE,
            DEFAULTS,
            null,
            "read workflow@commit; now [default]"),
        row(
            "push, needs: build now, test held until build succeeds",
            push(),
            NEEDS,
            DEFAULTS,
            null,
            "read workflow@commit; now [build] held [test]"),
        row(
            "push, one job, no needs: published at once, no run recorded",
            push(),
            SINGLE,
            DEFAULTS,
            null,
            "read workflow@commit; now [build]"),
        row(
            "push, invalid workflow: one failed check run, no job",
            push(),
            INVALID,
            DEFAULTS,
            null,
            "read workflow@commit; invalid"),
        row(
            "push, skip marker: check runs skipped",
            pushWithMessage("docs [skip ci]"),
            NEEDS,
            DEFAULTS,
            null,
            "read workflow@commit; skipped [build, test]"),
        row(
            "push, skip marker, no workflow: the default check run skipped",
            pushWithMessage("wip [ci skip]"),
            NONE,
            DEFAULTS,
            null,
            "read workflow@commit; skipped [default]"),
        row(
            "push, denied repository: nothing, not even a read",
            push(),
            NEEDS,
            DENY_HELLO,
            null,
            "nothing"),
        row(
            "push touching src with a src path filter: runs (files from the payload)",
            event(
                "push",
                "push.json",
                p ->
                    ((ObjectNode) p.get("commits").get(0))
                        .putArray("modified")
                        .add("src/App.java")),
            PUSH_SRC_ONLY,
            DEFAULTS,
            null,
            "read workflow@commit; now [build]"),
        row(
            "push without a file list, touching docs only: compare read, skipped",
            pushWithoutFileList(),
            PUSH_SRC_ONLY,
            DEFAULTS,
            docs,
            "read workflow@commit; read compare; skipped [build]"),
        row(
            "push without a file list, touching src: compare read, runs",
            pushWithoutFileList(),
            PUSH_SRC_ONLY,
            DEFAULTS,
            src,
            "read workflow@commit; read compare; now [build]"),
        row(
            "push to a workflow on pull requests only: check runs skipped",
            push(),
            PULL_REQUESTS_ONLY,
            DEFAULTS,
            null,
            "read workflow@commit; skipped [build]"),
        row(
            "push with cancel_superseded push: the run is recorded and supersedes the branch's previous head",
            push(),
            CANCELS_PUSHES,
            DEFAULTS,
            null,
            "read workflow@commit; now [build] supersede"),
        row(
            "tag push, no workflow: the default job",
            tagPush(),
            NONE,
            DEFAULTS,
            null,
            "read workflow@commit; now [default]"),
        // pull requests
        row(
            "pull request opened, same repository: builds the head, supersedes",
            pullRequest("pull_request.opened.json"),
            NEEDS,
            DEFAULTS,
            null,
            "read workflow@commit; now [build] held [test] supersede"),
        row(
            "pull request synchronize: builds the new head, supersedes",
            pullRequest("pull_request.synchronize.json"),
            SINGLE,
            DEFAULTS,
            null,
            "read workflow@commit; now [build] supersede"),
        row(
            "pull request with a src path filter, docs only: files read, skipped",
            pullRequest("pull_request.opened.json"),
            PUSH_SRC_ONLY,
            DEFAULTS,
            docs,
            "read workflow@commit; read pull request files; skipped [build]"),
        row(
            "fork pull request of a first-time contributor: held, workflow read from the base",
            forkPullRequest("FIRST_TIME_CONTRIBUTOR"),
            NEEDS,
            DEFAULTS,
            null,
            "read workflow@base; neutral [build, test]"),
        row(
            "fork pull request of a collaborator: runs, workflow from the head",
            forkPullRequest("COLLABORATOR"),
            SINGLE,
            DEFAULTS,
            null,
            "read workflow@commit; now [build] supersede"),
        row(
            "fork pull request with forks never run: held",
            forkPullRequest("COLLABORATOR"),
            SINGLE,
            FORKS_NEVER,
            null,
            "read workflow@base; neutral [build]"),
        // re-runs
        row(
            "check run re-run of one job: that job alone, its needs not waited for",
            rerunOf("Solstice CI / test"),
            NEEDS,
            DEFAULTS,
            null,
            "read workflow@commit; now [test]"),
        row(
            "check run re-run of the default job",
            rerunOf("Solstice CI"),
            NONE,
            DEFAULTS,
            null,
            "read workflow@commit; now [default]"),
        row(
            "check run re-run of another check's run: nothing runs",
            rerunOf("lint"),
            SINGLE,
            DEFAULTS,
            null,
            "read workflow@commit; now []"),
        row(
            "check suite re-run of our App: every job, no supersede",
            suiteRerun(APP_ID),
            NEEDS,
            DEFAULTS,
            null,
            "read workflow@commit; now [build] held [test]"),
        row(
            "push, matrix: one job per combination; needs on the matrix waits for all of them",
            push(),
            MATRIX,
            DEFAULTS,
            null,
            "read workflow@commit; now [test (jdk=17, os=linux), test (jdk=21, os=linux),"
                + " test (jdk=21, os=arm64)] held [report]"),
        row(
            "check run re-run of one matrix combination: that combination alone",
            rerunOf("Solstice CI / test (jdk=21, os=arm64)"),
            MATRIX,
            DEFAULTS,
            null,
            "read workflow@commit; now [test (jdk=21, os=arm64)]"),
        row(
            "check suite re-run of another App: nothing, not even a read",
            suiteRerun(29310),
            NEEDS,
            DEFAULTS,
            null,
            "nothing"),
        // re-runs of fork pull requests: judged as the pull request was
        forkRerunRow(
            "fork suite re-run of a first-time contributor: still held, workflow from the base",
            forkSuiteRerun(),
            NEEDS,
            DEFAULTS,
            forkPull("FIRST_TIME_CONTRIBUTOR"),
            "read pull request; read workflow@base; neutral [build, test]"),
        forkRerunRow(
            "fork suite re-run listed in the payload, contributor: still held, workflow from the base",
            listedForkSuiteRerun(),
            NEEDS,
            DEFAULTS,
            forkPull("CONTRIBUTOR"),
            "read pull request; read workflow@base; neutral [build, test]"),
        forkRerunRow(
            "fork suite re-run of a collaborator: runs, workflow from the head",
            forkSuiteRerun(),
            NEEDS,
            DEFAULTS,
            forkPull("COLLABORATOR"),
            "read pull request; read workflow@commit; now [build] held [test]"),
        forkRerunRow(
            "fork suite re-run of a collaborator with forks never run: still held",
            forkSuiteRerun(),
            SINGLE,
            FORKS_NEVER,
            forkPull("COLLABORATOR"),
            "read pull request; read workflow@base; neutral [build]"),
        forkRerunRow(
            "fork suite re-run once the policy runs every fork: runs the base's workflow",
            forkSuiteRerun(),
            SINGLE,
            FORKS_ALWAYS,
            forkPull("NONE"),
            "read pull request; read workflow@base; now [build]"),
        forkRerunRow(
            "fork check run re-run of one held job: that job stays held",
            forkRunRerun("Solstice CI / test"),
            NEEDS,
            DEFAULTS,
            forkPull("NONE"),
            "read pull request; read workflow@base; neutral [test]"),
        forkRerunRow(
            "fork suite re-run with no open pull request listed: held, workflow from the default branch",
            forkSuiteRerun(),
            SINGLE,
            DEFAULTS,
            PullRequestRef.NONE,
            "read pull request; read workflow@master; neutral [build]"));
  }

  private static Arguments row(
      String name,
      BuildTrigger trigger,
      String workflow,
      PolicySettings policy,
      List<String> changedFiles,
      String expected) {
    return Arguments.of(name, trigger, workflow, policy, changedFiles, null, expected);
  }

  /** A row whose trigger is a fork's Re-run: {@code pull} is what GitHub lists for the commit. */
  private static Arguments forkRerunRow(
      String name,
      BuildTrigger trigger,
      String workflow,
      PolicySettings policy,
      PullRequestRef pull,
      String expected) {
    return Arguments.of(name, trigger, workflow, policy, null, pull, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(
      String name,
      BuildTrigger trigger,
      String workflow,
      PolicySettings policy,
      List<String> changedFiles,
      PullRequestRef pull,
      String expected) {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), policy, repo -> "linux", CLOCK);
    List<String> reads = new ArrayList<>();
    Plan plan = planWithReads(planner, trigger, workflow, changedFiles, pull, reads);
    String outcome = describe(plan);
    assertThat(reads.isEmpty() ? outcome : String.join("; ", reads) + "; " + outcome)
        .isEqualTo(expected);
    assertThat(plan.target().installationId()).isEqualTo(trigger.installationId());
    plan.jobs()
        .forEach(
            j ->
                assertThat(j.requestId())
                    .isEqualTo(
                        RequestIds.of(
                            DELIVERY,
                            j.workflowJobId() == null
                                ? RequestIds.DEFAULT_JOB
                                : j.workflowJobId())));
  }

  /** Answers the planner's reads from the case, as the executor answers them from GitHub. */
  private static Plan planWithReads(
      Planner planner,
      BuildTrigger trigger,
      String workflow,
      List<String> files,
      List<String> reads) {
    return planWithReads(planner, trigger, workflow, files, null, reads);
  }

  private static Plan planWithReads(
      Planner planner,
      BuildTrigger trigger,
      String workflow,
      List<String> files,
      PullRequestRef pull,
      List<String> reads) {
    Inputs inputs = Inputs.NONE;
    for (int i = 0; i < 5; i++) {
      Step step = planner.plan(trigger, DELIVERY, inputs);
      if (step instanceof Step.Done done) {
        return done.plan();
      }
      if (step instanceof Step.ReadWorkflow w) {
        reads.add(
            "read workflow@"
                + (w.ref().equals(trigger.commitSha())
                    ? "commit"
                    : w.ref().equals(trigger.baseSha()) || w.ref().equals(BASE_SHA)
                        ? "base"
                        : w.ref()));
        inputs =
            inputs.withWorkflow(
                new Inputs.WorkflowFile(
                    w.ref(), workflow == null ? null : workflow.getBytes(StandardCharsets.UTF_8)));
      } else if (step instanceof Step.ReadPullRequestFiles) {
        reads.add("read pull request files");
        inputs = inputs.withChangedFiles(new Inputs.ChangedFiles(files));
      } else if (step instanceof Step.ReadPullRequestOfCommit p) {
        assertThat(p.sha()).isEqualTo(trigger.commitSha());
        assertThat(pull).as("a pull request read the case did not expect").isNotNull();
        reads.add("read pull request");
        inputs = inputs.withPullRequest(pull);
      } else if (step instanceof Step.ReadComparedFiles c) {
        assertThat(c.base()).isEqualTo(trigger.beforeSha());
        assertThat(c.head()).isEqualTo(trigger.commitSha());
        reads.add("read compare");
        inputs = inputs.withChangedFiles(new Inputs.ChangedFiles(files));
      }
    }
    throw new AssertionError("the planner kept asking for reads: " + reads);
  }

  private static String describe(Plan plan) {
    if (plan.invalidWorkflow() != null) {
      assertThat(plan.jobs()).isEmpty();
      return "invalid";
    }
    if (plan.notRun() != null) {
      assertThat(plan.jobs()).isEmpty();
      return plan.notRun().conclusion()
          + " "
          + plan.notRun().checks().stream()
              .map(c -> c.jobId() == null ? "default" : c.jobId())
              .toList();
    }
    if (plan.jobs().isEmpty() && !"check_run".equals(plan.target().event())) {
      return "nothing";
    }
    String out = "now " + ids(plan.publishNow());
    if (!plan.held().isEmpty()) {
      out += " held " + ids(plan.held());
    }
    if (plan.supersede() != null) {
      out += " supersede";
    }
    return out;
  }

  private static List<String> ids(List<JobRequest> jobs) {
    return jobs.stream()
        .map(j -> j.workflowJobId() == null ? "default" : j.workflowJobId())
        .toList();
  }

  // ---- beyond the table ----------------------------------------------------------------------

  @Test
  void jobsCarryThePullRequestsContextAndTheFilesReadForItsPathFilters() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    BuildTrigger pr = pullRequest("pull_request.synchronize.json");
    JobRequest job = planWithReads(planner, pr, SINGLE, null, new ArrayList<>()).jobs().get(0);
    assertThat(job.sender()).isEqualTo("Codertocat");
    assertThat(job.baseRef()).isEqualTo("master");
    assertThat(job.baseSha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
    assertThat(job.headRef()).isEqualTo("changes");
    assertThat(job.pullRequestTitle()).isEqualTo("Update the README with new information.");
    assertThat(job.before()).isNull();
    assertThat(job.changedFiles()).as("not read without path filters").isNull();
    assertThat(job.changedFilesTruncated()).isNull();

    JobRequest filtered =
        planWithReads(
                planner, pr, PUSH_SRC_ONLY, List.of("src/A.java", "docs/b.md"), new ArrayList<>())
            .jobs()
            .get(0);
    assertThat(filtered.changedFiles()).containsExactly("src/A.java", "docs/b.md");
    assertThat(filtered.changedFilesTruncated()).isFalse();

    Inputs partial =
        Inputs.NONE
            .withWorkflow(
                new Inputs.WorkflowFile(
                    pr.commitSha(), PUSH_SRC_ONLY.getBytes(StandardCharsets.UTF_8)))
            .withChangedFiles(new Inputs.ChangedFiles(List.of("docs/b.md"), false));
    JobRequest cut = ((Step.Done) planner.plan(pr, DELIVERY, partial)).plan().jobs().get(0);
    assertThat(cut.changedFiles()).containsExactly("docs/b.md");
    assertThat(cut.changedFilesTruncated()).as("GitHub's list stopped short").isTrue();
  }

  @Test
  void jobsOfAPushCarryItsSenderBeforeAndThePayloadsFiles() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    JobRequest job = planWithReads(planner, push(), SINGLE, null, new ArrayList<>()).jobs().get(0);
    assertThat(job.sender()).isEqualTo("Codertocat");
    assertThat(job.before()).isEqualTo("0000000000000000000000000000000000000000");
    assertThat(job.changedFiles()).containsExactly("README.md");
    assertThat(job.changedFilesTruncated()).isFalse();
    assertThat(job.baseRef()).isNull();
    assertThat(job.pullRequestTitle()).isNull();

    JobRequest unlisted =
        planWithReads(planner, pushWithoutFileList(), SINGLE, null, new ArrayList<>())
            .jobs()
            .get(0);
    assertThat(unlisted.before()).isEqualTo("1111111111111111111111111111111111111111");
    assertThat(unlisted.changedFiles()).as("more commits than the payload lists").isNull();
  }

  @Test
  void heldForkPullRequestExplainsWhyOnItsCheckRuns() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    Plan plan = planWithReads(planner, forkPullRequest("NONE"), SINGLE, null, new ArrayList<>());
    assertThat(plan.notRun().title()).isEqualTo("Waiting for a maintainer");
    assertThat(plan.notRun().summary()).isNotBlank();
    assertThat(plan.notRun().checks())
        .containsExactly(new Plan.Check(RequestIds.of(DELIVERY, "build"), "build"));
  }

  @Test
  void jobsGetTheWorkflowsPermissionsTheDefaultOtherwiseAndNeverWriteForAForkPullRequest() {
    String writes =
        """
        job "release" {
            script "make"
            permissions {
                contents "write"
                issues "write"
            }
        }
        """;
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    Plan pushed = planWithReads(planner, push(), writes, null, new ArrayList<>());
    assertThat(pushed.publishNow().get(0).github().permissions())
        .isEqualTo(java.util.Map.of("contents", "write", "issues", "write", "metadata", "read"));
    Plan plain = planWithReads(planner, push(), SINGLE, null, new ArrayList<>());
    assertThat(plain.publishNow().get(0).github().permissions())
        .isEqualTo(java.util.Map.of("contents", "read", "metadata", "read"));
    Plan fork = planWithReads(planner, forkPullRequest("MEMBER"), writes, null, new ArrayList<>());
    assertThat(fork.publishNow()).isNotEmpty();
    assertThat(fork.publishNow().get(0).github().permissions())
        .isEqualTo(java.util.Map.of("contents", "read", "issues", "read", "metadata", "read"));
  }

  @Test
  void anUnknownPermissionMakesTheWorkflowInvalidAtItsLine() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    String bad =
        """
        job "build" {
            script "make"
            permissions {
                administration "write"
            }
        }
        """;
    Plan plan = planWithReads(planner, push(), bad, null, new ArrayList<>());
    assertThat(plan.invalidWorkflow().error().line()).isEqualTo(4);
    assertThat(plan.invalidWorkflow().error().getMessage()).contains("administration");
    assertThat(plan.publishNow()).isEmpty();
  }

  @Test
  void invalidWorkflowCarriesTheErrorAndTheWorkflowRunsRequestId() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    Plan plan = planWithReads(planner, push(), INVALID, null, new ArrayList<>());
    assertThat(plan.invalidWorkflow().requestId())
        .isEqualTo(RequestIds.of(DELIVERY, CheckNames.WORKFLOW_RUN));
    assertThat(plan.invalidWorkflow().error().line()).isEqualTo(2);
  }

  @Test
  void jobsCarryTheWorkflowsScriptAndTheFallbackLabel() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    Plan plan = planWithReads(planner, push(), NEEDS, null, new ArrayList<>());
    JobRequest test = plan.held().get(0);
    assertThat(test.script()).containsExactly("make test");
    assertThat(test.runsOn()).isEqualTo("linux");
    assertThat(test.needs()).containsExactly("build");
    assertThat(test.submittedAt()).isEqualTo(CLOCK.instant());
    assertThat(plan.runId()).isEqualTo(Jobs.runId(DELIVERY));
  }

  @Test
  void deletedOrSuspendedInstallationGetsNoGitHubCallAndNoJob() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    for (var status :
        List.of(
            dev.solstice.integration.core.InstallationStatus.DELETED,
            dev.solstice.integration.core.InstallationStatus.SUSPENDED)) {
      Step step = planner.plan(push(), DELIVERY, Inputs.forInstallation(status));
      assertThat(step).as("no read from GitHub first").isInstanceOf(Step.Done.class);
      Plan plan = ((Step.Done) step).plan();
      assertThat(plan.jobs()).isEmpty();
      assertThat(plan.notRun()).isNull();
      assertThat(plan.invalidWorkflow()).isNull();
      assertThat(plan.reason())
          .contains("installation 1 is " + status.name().toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(
            planner.plan(
                push(),
                DELIVERY,
                Inputs.forInstallation(dev.solstice.integration.core.InstallationStatus.ACTIVE)))
        .as("an active installation reads its workflow as before")
        .isInstanceOf(Step.ReadWorkflow.class);
  }

  @Test
  void matrixJobsCarryTheirCombinationInEnvRunsOnAndScript() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    Plan plan = planWithReads(planner, push(), MATRIX, null, new ArrayList<>());
    JobRequest arm =
        plan.publishNow().stream()
            .filter(j -> j.workflowJobId().equals("test (jdk=21, os=arm64)"))
            .findFirst()
            .orElseThrow();
    assertThat(arm.runsOn()).isEqualTo("arm64");
    assertThat(arm.script()).containsExactly("mvn -B verify -Djava.release=21");
    assertThat(arm.env()).containsEntry("MATRIX_JDK", "21").containsEntry("MATRIX_OS", "arm64");
    assertThat(arm.requestId()).isEqualTo(RequestIds.of(DELIVERY, "test (jdk=21, os=arm64)"));
    assertThat(plan.held().get(0).needs())
        .containsExactly(
            "test (jdk=17, os=linux)", "test (jdk=21, os=linux)", "test (jdk=21, os=arm64)");
  }

  @Test
  void forkPullRequestWithoutABaseCommitIsAnInvalidWebhook() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    BuildTrigger fork = forkPullRequest("NONE");
    BuildTrigger noBase =
        new BuildTrigger(
            fork.event(),
            fork.action(),
            fork.repository(),
            fork.repoUrl(),
            fork.commitSha(),
            fork.ref(),
            fork.pullRequestNumber(),
            fork.installationId(),
            fork.checkAppId(),
            fork.rerunExternalId(),
            fork.rerunCheckName(),
            fork.headCommitMessage(),
            fork.sender(),
            fork.senderType(),
            fork.author(),
            fork.authorAssociation(),
            fork.labels(),
            fork.draft(),
            fork.headRepository(),
            true,
            null,
            null,
            null,
            null,
            fork.headRef(),
            fork.pullRequestTitle());
    assertThatThrownBy(() -> planner.plan(noBase, DELIVERY, Inputs.NONE))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessageContaining("pull_request.base.sha");
  }

  @Test
  void aClosedPullRequestCancelsItsHeadsUnfinishedJobsAndRunsNothing() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    BuildTrigger closed = pullRequest("pull_request.closed.json");
    Plan plan = ((Step.Done) planner.plan(closed, DELIVERY, Inputs.NONE)).plan();
    assertThat(plan.jobs()).isEmpty();
    assertThat(plan.runId()).isNull();
    assertThat(plan.notRun()).isNull();
    assertThat(plan.supersede().closes()).isTrue();
    assertThat(plan.supersede().group())
        .isEqualTo(Jobs.group(closed.repository(), "pull_request", 2, closed.ref()))
        .as("the group its opening and synchronize runs were recorded under")
        .isEqualTo(
            Jobs.group(
                closed.repository(),
                "pull_request",
                2,
                pullRequest("pull_request.synchronize.json").ref()));
    Plan withoutApp =
        ((Step.Done)
                Planner.withoutGitHub(repo -> "linux", CLOCK).plan(closed, DELIVERY, Inputs.NONE))
            .plan();
    assertThat(withoutApp.jobs()).as("no default job for a closing").isEmpty();
    assertThat(withoutApp.supersede()).isNull();
  }

  @Test
  void withoutGitHubEveryTriggerGetsTheDefaultJobAndNoCheckRuns() {
    Planner planner = Planner.withoutGitHub(repo -> "linux", CLOCK);
    Step step = planner.plan(pushWithMessage("[skip ci]"), DELIVERY, Inputs.NONE);
    Plan plan = ((Step.Done) step).plan();
    assertThat(plan.target().installationId()).isNull();
    assertThat(ids(plan.publishNow())).containsExactly("default");
  }

  @Test
  void aPushWithoutAnInstallationGetsTheDefaultJobWithoutCheckRuns() {
    Planner planner =
        Planner.withGitHub(APP_ID, new CheckNames("Solstice CI"), DEFAULTS, repo -> "linux", CLOCK);
    Plan plan =
        ((Step.Done) planner.plan(event("push", "push.tag.json"), DELIVERY, Inputs.NONE)).plan();
    assertThat(plan.target().installationId()).isNull();
    assertThat(ids(plan.publishNow())).containsExactly("default");
  }
}
