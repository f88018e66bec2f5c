package dev.solstice.integration.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.InvalidWebhookException;
import dev.solstice.integration.core.WebhookEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a verified delivery ({@code X-GitHub-Event} + body) into a {@link WebhookEvent}.
 * Thread-safe.
 *
 * @throws InvalidWebhookException when the body is not JSON or lacks a field we need, naming it
 */
public final class WebhookParser {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Pull request actions that may start a build ({@link BuildTrigger#PULL_REQUEST_ACTIONS}). */
  public static final Set<String> PR_ACTIONS = BuildTrigger.PULL_REQUEST_ACTIONS;

  /**
   * GitHub puts at most this many commits in a push payload; beyond, the file list is incomplete.
   */
  static final int PUSH_COMMITS_CAP = 20;

  private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

  public WebhookEvent parse(String event, byte[] body) {
    if (event == null || event.isBlank()) {
      throw new InvalidWebhookException("missing X-GitHub-Event header");
    }
    JsonNode root = readJson(body);
    return switch (event) {
      case "ping" -> new WebhookEvent.Ping(root.path("zen").asText(""));
      case "push" -> push(root);
      case "pull_request" -> pullRequest(root);
      case "check_suite" -> checkSuite(root);
      case "check_run" -> checkRun(root);
      case "installation", "installation_repositories" -> InstallationEvents.parse(event, root);
      default -> new WebhookEvent.Ignored("event " + event + " does not trigger builds");
    };
  }

  private static JsonNode readJson(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InvalidWebhookException("body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidWebhookException("body must be a JSON object");
    }
    return root;
  }

  private WebhookEvent push(JsonNode root) {
    String after = text(root, "after");
    if (root.path("deleted").asBoolean(false) || ZERO_SHA.equals(after)) {
      return new WebhookEvent.Ignored("push deletes " + root.path("ref").asText("a ref"));
    }
    return withoutPullRequest(
        root,
        object(root, "repository"),
        "push",
        null,
        sha(after, "after"),
        root.path("ref").asText(null),
        null,
        null,
        new Push(
            root.path("head_commit").path("message").asText(null),
            root.path("before").asText(null),
            changedFiles(root.path("commits"))),
        null);
  }

  /** What a Re-run names: the App that owns the suite or run, and for one run its external_id. */
  private record Rerun(long checkAppId, String externalId, String checkName) {}

  /** A push's own fields: its head commit's message, the commit before it, the files it touched. */
  private record Push(String headCommitMessage, String beforeSha, List<String> changedFiles) {}

  /** The base of the fork pull request a Re-run re-runs, as far as the payload tells. */
  private record ForkBase(String ref, String sha) {}

  /**
   * A trigger that is not a pull request (a push, a Re-run request): repository, installation and
   * sender as the payload names them; no pull request details, and the sender stands for the author
   * unless it re-runs a fork's pull request ({@code forkBase} not null; its author is the pull
   * request's, read by the planner).
   *
   * @param rerun null unless a Re-run
   * @param push null unless a push
   * @param forkBase null unless the Re-run of a fork's pull request
   */
  private static BuildTrigger withoutPullRequest(
      JsonNode root,
      JsonNode repo,
      String event,
      String action,
      String commitSha,
      String ref,
      Integer pullRequestNumber,
      Rerun rerun,
      Push push,
      ForkBase forkBase) {
    String sender = root.path("sender").path("login").asText(null);
    boolean fork = forkBase != null;
    return new BuildTrigger(
        event,
        action,
        text(repo, "repository.full_name", "full_name"),
        cloneUrl(repo, "repository"),
        commitSha,
        ref,
        pullRequestNumber,
        installationId(root),
        rerun == null ? null : rerun.checkAppId(),
        rerun == null ? null : rerun.externalId(),
        rerun == null ? null : rerun.checkName(),
        push == null ? null : push.headCommitMessage(),
        sender,
        root.path("sender").path("type").asText(null),
        fork ? null : sender,
        null,
        List.of(),
        false,
        null,
        fork,
        fork ? forkBase.ref() : null,
        fork ? forkBase.sha() : null,
        push == null ? null : push.beforeSha(),
        push == null ? null : push.changedFiles(),
        null,
        null);
  }

  /** Files added, modified or removed by a push's commits; null when the payload cannot tell. */
  private static List<String> changedFiles(JsonNode commits) {
    if (!commits.isArray() || commits.isEmpty() || commits.size() >= PUSH_COMMITS_CAP) {
      return null;
    }
    Set<String> files = new LinkedHashSet<>();
    for (JsonNode commit : commits) {
      for (String kind : List.of("added", "modified", "removed")) {
        JsonNode list = commit.path(kind);
        if (!list.isArray()) {
          return null;
        }
        list.forEach(f -> files.add(f.asText()));
      }
    }
    return new ArrayList<>(files);
  }

  private WebhookEvent pullRequest(JsonNode root) {
    String action = text(root, "action");
    if (!PR_ACTIONS.contains(action) && !BuildTrigger.CLOSED.equals(action)) {
      return new WebhookEvent.Ignored("pull_request action " + action + " does not trigger builds");
    }
    JsonNode pr = object(root, "pull_request");
    JsonNode head = object(pr, "pull_request.head", "head");
    int number = root.path("number").asInt(pr.path("number").asInt(0));
    if (number <= 0) {
      throw new InvalidWebhookException("missing field: number");
    }
    JsonNode headRepo = head.path("repo");
    // A fork that was deleted leaves head.repo null; the base repository still serves
    // refs/pull/N/head.
    String repoUrl =
        headRepo.isObject()
            ? cloneUrl(headRepo, "pull_request.head.repo")
            : cloneUrl(object(root, "repository"), "repository");
    JsonNode base = object(root, "repository");
    String baseName = text(base, "repository.full_name", "full_name");
    String headName = headRepo.isObject() ? headRepo.path("full_name").asText(null) : null;
    boolean fork = headName == null || !headName.equalsIgnoreCase(baseName);
    List<String> labels = new ArrayList<>();
    pr.path("labels")
        .forEach(
            l -> {
              if (l.path("name").isTextual()) {
                labels.add(l.path("name").asText());
              }
            });
    String sender = root.path("sender").path("login").asText(null);
    return new BuildTrigger(
        "pull_request",
        action,
        baseName,
        repoUrl,
        sha(text(head, "pull_request.head.sha", "sha"), "pull_request.head.sha"),
        "refs/pull/" + number + "/head",
        number,
        installationId(root),
        null,
        null,
        null,
        null,
        sender,
        root.path("sender").path("type").asText(null),
        pr.path("user").path("login").asText(sender),
        pr.path("author_association").asText(null),
        labels,
        pr.path("draft").asBoolean(false),
        headName,
        fork,
        pr.path("base").path("ref").asText(null),
        pr.path("base").path("sha").asText(null),
        null,
        null,
        head.path("ref").asText(null),
        pr.path("title").asText(null));
  }

  private WebhookEvent checkSuite(JsonNode root) {
    return rerequested(root, "check_suite", false);
  }

  private WebhookEvent checkRun(JsonNode root) {
    return rerequested(root, "check_run", true);
  }

  /**
   * A Re-run asked for on GitHub: of a whole suite, or of one run ({@code oneRun}), which then also
   * names the job (its external_id and name) and carries its suite.
   */
  private WebhookEvent rerequested(JsonNode root, String event, boolean oneRun) {
    String action = text(root, "action");
    if (!"rerequested".equals(action)) {
      return new WebhookEvent.Ignored(event + " action " + action + " does not trigger builds");
    }
    JsonNode subject = object(root, event);
    JsonNode repo = object(root, "repository");
    JsonNode suite = oneRun ? subject.path("check_suite") : subject;
    String branch = suite.path("head_branch").asText(null);
    JsonNode pr = subject.path("pull_requests").path(0);
    // GitHub leaves head_branch null and pull_requests empty when the suite's head is in a fork;
    // a listed pull request whose head repository is not the base one is a fork's too. Either
    // way the re-run is treated as the fork pull request it re-runs (see TriggerPolicy).
    boolean fork = branch == null || forkPullRequest(pr);
    return withoutPullRequest(
        root,
        repo,
        event,
        action,
        sha(text(subject, event + ".head_sha", "head_sha"), event + ".head_sha"),
        branch == null ? null : "refs/heads/" + branch,
        firstPullRequest(subject),
        new Rerun(
            subject.path("app").path("id").asLong(0),
            oneRun ? subject.path("external_id").asText(null) : null,
            oneRun ? subject.path("name").asText(null) : null),
        null,
        // Until the pull request is read, the base is the one listed, else the default branch.
        fork
            ? new ForkBase(
                pr.path("base").path("ref").asText(repo.path("default_branch").asText(null)),
                pr.path("base").path("sha").asText(null))
            : null);
  }

  /** Whether a check event's pull request entry has a head repository other than its base. */
  private static boolean forkPullRequest(JsonNode pr) {
    JsonNode head = pr.path("head").path("repo").path("id");
    JsonNode base = pr.path("base").path("repo").path("id");
    return pr.isObject() && !(head.canConvertToLong() && head.asLong() == base.asLong(-1));
  }

  private static Integer firstPullRequest(JsonNode node) {
    JsonNode prs = node.path("pull_requests");
    return prs.isArray() && !prs.isEmpty() && prs.get(0).path("number").canConvertToInt()
        ? prs.get(0).path("number").asInt()
        : null;
  }

  private static Long installationId(JsonNode root) {
    JsonNode id = root.path("installation").path("id");
    return id.canConvertToLong() && id.asLong() > 0 ? id.asLong() : null;
  }

  private static String cloneUrl(JsonNode repo, String where) {
    String url = repo.path("clone_url").asText(null);
    if (url == null || url.isBlank()) {
      url = repo.path("ssh_url").asText(null);
    }
    if (url == null || url.isBlank()) {
      throw new InvalidWebhookException("missing field: " + where + ".clone_url (and no ssh_url)");
    }
    return url;
  }

  private static String sha(String value, String where) {
    if (!value.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
      throw new InvalidWebhookException(
          "field " + where + " is not a commit SHA: \"" + abbreviate(value) + "\"");
    }
    return value;
  }

  private static JsonNode object(JsonNode parent, String path) {
    return object(parent, path, path);
  }

  private static JsonNode object(JsonNode parent, String path, String field) {
    JsonNode node = parent.path(field);
    if (!node.isObject()) {
      throw new InvalidWebhookException(
          "missing field: " + path + (node.isMissingNode() ? "" : " (must be an object)"));
    }
    return node;
  }

  private static String text(JsonNode parent, String field) {
    return text(parent, field, field);
  }

  private static String text(JsonNode parent, String path, String field) {
    JsonNode node = parent.path(field);
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new InvalidWebhookException(
          "missing field: "
              + path
              + (node.isMissingNode() || node.isNull() ? "" : " (must be a string)"));
    }
    return node.asText();
  }

  private static String abbreviate(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "…" : value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
