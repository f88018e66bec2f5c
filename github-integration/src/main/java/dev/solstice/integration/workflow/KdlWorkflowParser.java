package dev.solstice.integration.workflow;

import dev.solstice.integration.core.InvalidWorkflowException;
import dev.solstice.integration.policy.Triggers;
import dev.solstice.kdl.KdlDocument;
import dev.solstice.kdl.KdlNode;
import dev.solstice.kdl.KdlNumber;
import dev.solstice.kdl.KdlParseException;
import dev.solstice.kdl.KdlParser;
import dev.solstice.kdl.KdlValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code .solstice/workflow.kdl} (format: {@code docs/workflow-kdl.md}) into a validated
 * {@link Workflow}, or fails with an {@link InvalidWorkflowException} that says where and what.
 * Strict: an unknown node is an error, because a misspelt {@code scirpt} silently ignored is a job
 * that runs nothing. Thread-safe.
 */
public final class KdlWorkflowParser {

  /** Largest workflow file accepted (GitHub's raw contents API serves up to 100 MB). */
  public static final int MAX_BYTES = 1024 * 1024;

  public static final int MAX_JOBS = 256;
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
  private static final Set<String> JOB_NODES =
      Set.of("runs_on", "script", "env", "timeout", "needs", "permissions");

  private final KdlParser kdl =
      KdlParser.builder().maxNestingDepth(16).maxDocumentBytes(MAX_BYTES).build();

  public Workflow parse(String path, byte[] content) {
    if (content.length > MAX_BYTES) {
      throw new InvalidWorkflowException(
          path,
          1,
          1,
          "the workflow file is " + content.length + " bytes; the limit is " + MAX_BYTES,
          path + ": error: file larger than " + MAX_BYTES + " bytes");
    }
    String source = new String(content, StandardCharsets.UTF_8);
    KdlDocument doc;
    try {
      doc = kdl.parse(path, source);
    } catch (KdlParseException e) {
      throw new InvalidWorkflowException(
          path, e.getLine(), e.getColumn(), e.getReason(), e.formatted());
    }
    return new Reader(path, source).read(doc);
  }

  /** One parse: the source (for error excerpts) and what was read so far. */
  static final class Reader {
    private final String path;
    private final String source;
    private final Map<String, JobSpec> jobs = new LinkedHashMap<>();
    private final Map<String, KdlNode> needsNodes = new LinkedHashMap<>();
    private String name;
    private Triggers on;
    private KdlNode onNode;
    private Boolean cancelPush;
    private Boolean cancelPullRequest;
    private Map<String, String> permissions;

    Reader(String path, String source) {
      this.path = path;
      this.source = source;
    }

    Workflow read(KdlDocument doc) {
      for (KdlNode node : doc.getNodes()) {
        switch (node.getName()) {
          case "name" -> name = singleString(node, "name");
          case "job" -> job(node, null, null, Map.of());
          case "group" -> group(node);
          case "on" -> {
            if (onNode != null) {
              throw error(
                  node, "a second 'on' section (the first is on line " + line(onNode) + ")");
            }
            onNode = node;
            on = new TriggerReader(this).read(node);
          }
          case "cancel_superseded" -> cancelSuperseded(node);
          case "permissions" -> permissions = new PermissionsReader(this).read(node, permissions);
          default ->
              throw error(
                  node,
                  "unknown node '"
                      + node.getName()
                      + "' at the top level; expected job, group, name, on, cancel_superseded or"
                      + " permissions");
        }
      }
      if (jobs.isEmpty()) {
        throw new InvalidWorkflowException(
            path,
            1,
            1,
            "the workflow has no jobs",
            SourceExcerpt.format(
                path,
                source,
                1,
                1,
                "the workflow has no jobs; add a job \"<id>\" { script \"...\" } block"));
      }
      checkNeeds();
      return new Workflow(
          name,
          jobs.values().stream().map(j -> j.inheriting(permissions)).toList(),
          on,
          cancelPush != null && cancelPush,
          cancelPullRequest == null || cancelPullRequest);
    }

    /**
     * {@code cancel_superseded #true}, or per event: {@code cancel_superseded push=#true
     * pull_request=#false}.
     */
    private void cancelSuperseded(KdlNode node) {
      if (!node.getChildren().isEmpty()) {
        throw error(node, "cancel_superseded takes no block");
      }
      if (node.getArguments().size() == 1 && node.getProperties().isEmpty()) {
        boolean all = bool(node, node.getArguments().get(0), "cancel_superseded");
        cancelPush = all;
        cancelPullRequest = all;
        return;
      }
      if (!node.getArguments().isEmpty() || node.getProperties().isEmpty()) {
        throw error(
            node,
            "cancel_superseded takes #true or #false, or push=#true|#false and pull_request=#true|#false");
      }
      for (var e : node.getProperties().entrySet()) {
        switch (e.getKey()) {
          case "push" -> cancelPush = bool(node, e.getValue(), "cancel_superseded push");
          case "pull_request" ->
              cancelPullRequest = bool(node, e.getValue(), "cancel_superseded pull_request");
          default ->
              throw error(
                  node,
                  "unknown property '"
                      + e.getKey()
                      + "' of cancel_superseded; expected push or pull_request");
        }
      }
    }

    boolean bool(KdlNode node, KdlValue<?> v, String what) {
      if (!(v.value() instanceof Boolean b)) {
        throw error(node, what + " takes #true or #false, not " + v);
      }
      return b;
    }

    private void group(KdlNode node) {
      String groupName = singleString(node, "group");
      String runsOn = null;
      Map<String, String> env = new LinkedHashMap<>();
      List<KdlNode> groupJobs = new ArrayList<>();
      for (KdlNode child : node.getChildren()) {
        switch (child.getName()) {
          case "runs_on" -> runsOn = singleString(child, "runs_on");
          case "env" -> env.putAll(env(child));
          case "job" -> groupJobs.add(child);
          default ->
              throw error(
                  child,
                  "unknown node '"
                      + child.getName()
                      + "' in group \""
                      + groupName
                      + "\"; expected runs_on, env or job");
        }
      }
      for (KdlNode job : groupJobs) {
        job(job, groupName, runsOn, env);
      }
    }

    private void job(KdlNode node, String group, String groupRunsOn, Map<String, String> groupEnv) {
      String id = singleString(node, "job");
      if (!JOB_ID.matcher(id).matches()) {
        throw error(
            node,
            "job id \""
                + id
                + "\" must be 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit");
      }
      if (jobs.containsKey(id)) {
        throw error(
            node,
            "duplicate job id \"" + id + "\" (first defined on line " + jobs.get(id).line() + ")");
      }
      if (jobs.size() == MAX_JOBS) {
        throw error(node, "more than " + MAX_JOBS + " jobs; split the workflow or merge jobs");
      }
      String runsOn = groupRunsOn;
      List<String> script = new ArrayList<>();
      Map<String, String> env = new LinkedHashMap<>(groupEnv);
      Integer timeout = null;
      List<String> needs = new ArrayList<>();
      Map<String, String> jobPermissions = null;
      for (KdlNode child : node.getChildren()) {
        if (!JOB_NODES.contains(child.getName())) {
          throw error(
              child,
              "unknown node '"
                  + child.getName()
                  + "' in job \""
                  + id
                  + "\"; expected runs_on, script, env, timeout, needs or permissions");
        }
        switch (child.getName()) {
          case "runs_on" -> runsOn = singleString(child, "runs_on");
          case "script" -> script.addAll(scriptLines(child));
          case "env" -> env.putAll(env(child));
          case "timeout" -> timeout = timeout(child);
          case "permissions" ->
              jobPermissions = new PermissionsReader(this).read(child, jobPermissions);
          default -> {
            for (String need : strings(child, "needs")) {
              if (!needs.contains(need)) {
                needs.add(need);
              }
            }
            needsNodes.putIfAbsent(id, child);
          }
        }
      }
      if (script.isEmpty()) {
        throw error(node, "job \"" + id + "\" has no script; add script \"<command>\"");
      }
      jobs.put(id, new JobSpec(id, group, runsOn, script, env, timeout, needs, line(node)));
      if (jobPermissions != null) {
        jobs.put(id, jobs.get(id).withPermissions(jobPermissions));
      }
    }

    private void checkNeeds() {
      for (JobSpec job : jobs.values()) {
        for (String need : job.needs()) {
          if (!jobs.containsKey(need)) {
            throw error(
                needsNodes.get(job.id()),
                "job \""
                    + job.id()
                    + "\" needs \""
                    + need
                    + "\", which is not a job of this workflow");
          }
          if (need.equals(job.id())) {
            throw error(needsNodes.get(job.id()), "job \"" + job.id() + "\" needs itself");
          }
        }
      }
      List<String> cycle = Cycles.find(jobs);
      if (!cycle.isEmpty()) {
        JobSpec first = jobs.get(cycle.get(0));
        throw error(needsNodes.get(first.id()), "needs form a cycle: " + String.join(" → ", cycle));
      }
    }

    private List<String> scriptLines(KdlNode node) {
      List<String> lines = new ArrayList<>();
      for (String arg : strings(node, "script")) {
        for (String line : arg.split("\n", -1)) {
          lines.add(line);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
          lines.remove(lines.size() - 1);
        }
      }
      return lines;
    }

    private Map<String, String> env(KdlNode node) {
      if (!node.getArguments().isEmpty()) {
        throw error(
            node,
            "env takes KEY=\"value\" properties or a block of KEY \"value\" lines, not arguments");
      }
      Map<String, String> env = new LinkedHashMap<>();
      node.getProperties().forEach((k, v) -> env.put(envKey(node, k), scalar(node, v, "env " + k)));
      for (KdlNode child : node.getChildren()) {
        if (child.getArguments().size() != 1
            || !child.getProperties().isEmpty()
            || !child.getChildren().isEmpty()) {
          throw error(
              child,
              "env entry "
                  + child.getName()
                  + " takes exactly one value: "
                  + child.getName()
                  + " \"value\"");
        }
        env.put(
            envKey(child, child.getName()),
            scalar(child, child.getArguments().get(0), "env " + child.getName()));
      }
      return env;
    }

    private String envKey(KdlNode node, String key) {
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw error(node, "\"" + key + "\" is not a valid environment variable name");
      }
      return key;
    }

    private Integer timeout(KdlNode node) {
      if (node.getArguments().size() != 1) {
        throw error(
            node,
            "timeout takes one value: seconds (1800) or a duration (\"30m\", \"2h\", \"90s\")");
      }
      KdlValue<?> v = node.getArguments().get(0);
      long seconds;
      if (v instanceof KdlNumber.Integer n) {
        seconds = n.asBigInteger().min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
      } else if (v.isString() && ((String) v.value()).matches("\\d{1,9}[smh]")) {
        String s = (String) v.value();
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        seconds =
            switch (s.charAt(s.length() - 1)) {
              case 'm' -> n * 60;
              case 'h' -> n * 3600;
              default -> n;
            };
      } else {
        throw error(node, "timeout takes seconds (1800) or a duration (\"30m\", \"2h\", \"90s\")");
      }
      if (seconds < 1 || seconds > 7 * 24 * 3600) {
        throw error(node, "timeout must be between 1 second and 7 days");
      }
      return (int) seconds;
    }

    String singleString(KdlNode node, String what) {
      if (node.getArguments().size() != 1 || !node.getArguments().get(0).isString()) {
        throw error(node, what + " takes exactly one string: " + what + " \"...\"");
      }
      return (String) node.getArguments().get(0).value();
    }

    List<String> strings(KdlNode node, String what) {
      if (node.getArguments().isEmpty()) {
        throw error(node, what + " needs at least one string");
      }
      List<String> out = new ArrayList<>();
      for (KdlValue<?> v : node.getArguments()) {
        if (!v.isString()) {
          throw error(node, what + " takes strings; quote " + v.value());
        }
        out.add((String) v.value());
      }
      return out;
    }

    private String scalar(KdlNode node, KdlValue<?> v, String what) {
      if (v.isNull()) {
        throw error(node, what + " has no value (#null)");
      }
      if (v instanceof KdlNumber.Integer n) {
        return n.asBigInteger().toString();
      }
      if (v instanceof KdlNumber.Decimal n) {
        return n.asBigDecimal().stripTrailingZeros().toPlainString();
      }
      if (v.isNumber()) {
        throw error(node, what + " must be a finite number or a string, not " + v);
      }
      return String.valueOf(v.value());
    }

    int line(KdlNode node) {
      return node.location() == null ? 1 : node.location().line();
    }

    InvalidWorkflowException error(KdlNode node, String reason) {
      int line = line(node);
      int column = node.location() == null ? 1 : node.location().column();
      return new InvalidWorkflowException(
          path, line, column, reason, SourceExcerpt.format(path, source, line, column, reason));
    }
  }
}
