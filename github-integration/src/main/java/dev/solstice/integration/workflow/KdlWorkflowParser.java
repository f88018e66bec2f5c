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
  static final List<String> TOP_NODES =
      List.of("name", "on", "cancel_superseded", "permissions", "group", "job");
  static final List<String> GROUP_NODES = List.of("runs_on", "timeout", "env", "job");
  static final List<String> JOB_NODES =
      List.of("runs_on", "script", "env", "timeout", "needs", "matrix", "permissions");

  /** Single-valued settings a {@code job} or {@code group} node also takes as properties. */
  static final List<String> NODE_PROPERTIES = List.of("runs_on", "timeout");

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
    private final Map<String, Draft> jobs = new LinkedHashMap<>();
    private final Map<String, KdlNode> needsNodes = new LinkedHashMap<>();
    private String name;
    private KdlNode nameNode;
    private Triggers on;
    private KdlNode onNode;
    private KdlNode cancelNode;
    private Boolean cancelPush;
    private Boolean cancelPullRequest;
    private Map<String, String> permissions;
    private KdlNode permissionsNode;

    Reader(String path, String source) {
      this.path = path;
      this.source = source;
    }

    Workflow read(KdlDocument doc) {
      for (KdlNode node : doc.getNodes()) {
        switch (node.getName()) {
          case "name" -> {
            once(node, nameNode, "the workflow");
            nameNode = node;
            name = singleString(node, "name");
          }
          case "job" -> job(node, GroupDefaults.NONE);
          case "group" -> group(node);
          case "on" -> {
            if (onNode != null) {
              throw error(
                  node, "a second 'on' section (the first is on line " + line(onNode) + ")");
            }
            onNode = node;
            on = new TriggerReader(this).read(node);
          }
          case "cancel_superseded" -> {
            once(node, cancelNode, "the workflow");
            cancelNode = node;
            cancelSuperseded(node);
          }
          case "permissions" -> {
            once(node, permissionsNode, "the workflow");
            permissionsNode = node;
            permissions = new PermissionsReader(this).read(node, null);
          }
          default -> throw unknownNode(node, "at the top level", TOP_NODES);
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
          expand().stream().map(j -> j.inheriting(permissions)).toList(),
          on,
          cancelPush != null && cancelPush,
          cancelPullRequest == null || cancelPullRequest,
          permissions);
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
              throw propertyError(
                  node,
                  e.getKey(),
                  "unknown property '"
                      + e.getKey()
                      + "' of cancel_superseded"
                      + Suggestions.hint(e.getKey(), List.of("push", "pull_request")));
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
      String groupName = id(node, "group");
      Settings settings = new Settings("group \"" + groupName + "\"");
      settings.readProperties(node);
      Map<String, String> env = new LinkedHashMap<>();
      Map<String, KdlNode> envNodes = new LinkedHashMap<>();
      List<KdlNode> groupJobs = new ArrayList<>();
      for (KdlNode child : node.getChildren()) {
        switch (child.getName()) {
          case "runs_on" -> settings.runsOn(child, singleString(child, "runs_on"));
          case "timeout" -> settings.timeout(child, timeout(child));
          case "env" -> putEnv(env, envNodes, child);
          case "job" -> groupJobs.add(child);
          default -> throw unknownNode(child, "in group \"" + groupName + "\"", GROUP_NODES);
        }
      }
      GroupDefaults defaults =
          new GroupDefaults(
              groupName, settings.runsOn, settings.runsOnNode, settings.timeout, env, envNodes);
      for (KdlNode job : groupJobs) {
        job(job, defaults);
      }
    }

    private void job(KdlNode node, GroupDefaults group) {
      String id = id(node, "job");
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
            "duplicate job id \""
                + id
                + "\" (first defined on line "
                + jobs.get(id).spec().line()
                + ")");
      }
      if (jobs.size() == MAX_JOBS) {
        throw error(node, "more than " + MAX_JOBS + " jobs; split the workflow or merge jobs");
      }
      String what = "job \"" + id + "\"";
      Settings settings = new Settings(what);
      settings.readProperties(node);
      List<String> script = new ArrayList<>();
      KdlNode scriptNode = null;
      Map<String, String> env = new LinkedHashMap<>(group.env());
      Map<String, KdlNode> envNodes = new LinkedHashMap<>(group.envNodes());
      List<String> needs = new ArrayList<>();
      Matrix matrix = null;
      KdlNode matrixNode = null;
      Map<String, String> jobPermissions = null;
      KdlNode jobPermissionsNode = null;
      for (KdlNode child : node.getChildren()) {
        switch (child.getName()) {
          case "runs_on" -> settings.runsOn(child, singleString(child, "runs_on"));
          case "script" -> {
            script.addAll(scriptLines(child));
            scriptNode = scriptNode == null ? child : scriptNode;
          }
          case "env" -> putEnv(env, envNodes, child);
          case "timeout" -> settings.timeout(child, timeout(child));
          case "needs" -> {
            for (String need : strings(child, "needs")) {
              if (!needs.contains(need)) {
                needs.add(need);
              }
            }
            needsNodes.putIfAbsent(id, child);
          }
          case "matrix" -> {
            once(child, matrixNode, what);
            matrixNode = child;
            matrix = new MatrixReader(this).read(child, id);
          }
          case "permissions" -> {
            once(child, jobPermissionsNode, what);
            jobPermissionsNode = child;
            jobPermissions = new PermissionsReader(this).read(child, null);
          }
          default -> throw unknownNode(child, "in " + what, JOB_NODES);
        }
      }
      if (script.isEmpty()) {
        throw error(node, "job \"" + id + "\" has no script; add script \"<command>\"");
      }
      String runsOn = settings.runsOn != null ? settings.runsOn : group.runsOn();
      KdlNode runsOnNode = settings.runsOn != null ? settings.runsOnNode : group.runsOnNode();
      Set<String> axes = matrix == null ? Set.of() : matrix.axes().keySet();
      checkReferences(runsOnNode, runsOn, what, axes);
      for (String line : script) {
        checkReferences(scriptNode, line, what, axes);
      }
      env.forEach((k, v) -> checkReferences(envNodes.get(k), v, what, axes));
      JobSpec spec =
          new JobSpec(
              id,
              group.name(),
              runsOn,
              script,
              env,
              settings.timeout != null ? settings.timeout : group.timeout(),
              needs,
              line(node),
              Map.of(),
              jobPermissions);
      jobs.put(id, new Draft(spec, node, matrix, matrixNode));
    }

    /** Every {@code ${{ matrix.<axis> }}} in {@code text} must name an axis of the job's matrix. */
    private void checkReferences(KdlNode node, String text, String what, Set<String> axes) {
      for (String axis : Matrix.references(text)) {
        if (axes.isEmpty()) {
          throw error(node, what + " uses ${{ matrix." + axis + " }} but has no matrix");
        }
        if (!axes.contains(axis)) {
          throw error(
              node,
              "${{ matrix."
                  + axis
                  + " }}: '"
                  + axis
                  + "' is not an axis of the matrix of "
                  + what
                  + Suggestions.hint(axis, axes));
        }
      }
    }

    /**
     * The jobs as sent: a matrix job becomes one job per combination, and {@code needs} of a matrix
     * job waits for all of them.
     */
    private List<JobSpec> expand() {
      Map<String, List<String>> idsOf = new LinkedHashMap<>();
      int total = 0;
      for (Draft d : jobs.values()) {
        List<String> ids =
            d.matrix() == null
                ? List.of(d.spec().id())
                : d.matrix().cells().stream().map(c -> Matrix.cellId(d.spec().id(), c)).toList();
        total += ids.size();
        if (total > MAX_JOBS) {
          throw error(
              d.matrixNode() != null ? d.matrixNode() : d.node(),
              "the workflow makes "
                  + total
                  + " jobs by job \""
                  + d.spec().id()
                  + "\" (matrix combinations count one each); the limit is "
                  + MAX_JOBS);
        }
        idsOf.put(d.spec().id(), ids);
      }
      List<JobSpec> out = new ArrayList<>();
      for (Draft d : jobs.values()) {
        JobSpec s = d.spec();
        List<String> needs = s.needs().stream().flatMap(n -> idsOf.get(n).stream()).toList();
        if (d.matrix() == null) {
          out.add(
              new JobSpec(
                  s.id(),
                  s.group(),
                  s.runsOn(),
                  s.script(),
                  s.env(),
                  s.timeoutSeconds(),
                  needs,
                  s.line(),
                  Map.of(),
                  s.permissions()));
          continue;
        }
        for (Map<String, String> cell : d.matrix().cells()) {
          Map<String, String> env = new LinkedHashMap<>();
          s.env().forEach((k, v) -> env.put(k, Matrix.substitute(v, cell)));
          cell.forEach((axis, value) -> env.put(Matrix.envName(axis), value));
          out.add(
              new JobSpec(
                  Matrix.cellId(s.id(), cell),
                  s.group(),
                  Matrix.substitute(s.runsOn(), cell),
                  s.script().stream().map(l -> Matrix.substitute(l, cell)).toList(),
                  env,
                  s.timeoutSeconds(),
                  needs,
                  s.line(),
                  cell,
                  s.permissions()));
        }
      }
      return out;
    }

    private void checkNeeds() {
      Map<String, JobSpec> specs = new LinkedHashMap<>();
      jobs.forEach((id, d) -> specs.put(id, d.spec()));
      for (JobSpec job : specs.values()) {
        for (String need : job.needs()) {
          if (!specs.containsKey(need)) {
            throw error(
                needsNodes.get(job.id()),
                "job \""
                    + job.id()
                    + "\" needs \""
                    + need
                    + "\", which is not a job of this workflow"
                    + Suggestions.closest(need, specs.keySet())
                        .map(s -> "; did you mean \"" + s + "\"?")
                        .orElse(""));
          }
          if (need.equals(job.id())) {
            throw error(needsNodes.get(job.id()), "job \"" + job.id() + "\" needs itself");
          }
        }
      }
      List<String> cycle = Cycles.find(specs);
      if (!cycle.isEmpty()) {
        JobSpec first = specs.get(cycle.get(0));
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

    private void putEnv(Map<String, String> env, Map<String, KdlNode> nodes, KdlNode node) {
      Map<String, String> entries = env(node);
      env.putAll(entries);
      entries.keySet().forEach(k -> nodes.put(k, node));
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
      noPropertiesOrBlock(node, "timeout takes one value");
      return timeout(node, node.getArguments().get(0));
    }

    private Integer timeout(KdlNode node, KdlValue<?> v) {
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

    /** A node that is one string and nothing else: {@code runs_on "linux"}. */
    String singleString(KdlNode node, String what) {
      if (node.getArguments().size() != 1 || !node.getArguments().get(0).isString()) {
        throw error(node, what + " takes exactly one string: " + what + " \"...\"");
      }
      noPropertiesOrBlock(node, what + " takes exactly one string");
      return (String) node.getArguments().get(0).value();
    }

    /** The one string argument naming a {@code job} or {@code group}, which may have more. */
    private String id(KdlNode node, String what) {
      if (node.getArguments().size() != 1 || !node.getArguments().get(0).isString()) {
        throw error(node, what + " takes exactly one string, its name: " + what + " \"...\" { }");
      }
      return (String) node.getArguments().get(0).value();
    }

    /** One or more strings and nothing else: {@code needs "a" "b"}. */
    List<String> strings(KdlNode node, String what) {
      if (node.getArguments().isEmpty()) {
        throw error(node, what + " needs at least one string");
      }
      noPropertiesOrBlock(node, what + " takes strings");
      List<String> out = new ArrayList<>();
      for (KdlValue<?> v : node.getArguments()) {
        if (!v.isString()) {
          throw error(node, what + " takes strings; quote " + v.value());
        }
        out.add((String) v.value());
      }
      return out;
    }

    /** Refuses properties and a block on a node that takes neither, naming the first. */
    void noPropertiesOrBlock(KdlNode node, String takes) {
      for (String key : node.getProperties().keySet()) {
        throw propertyError(
            node, key, "unknown property '" + key + "' of " + node.getName() + ": " + takes);
      }
      if (!node.getChildren().isEmpty()) {
        throw error(node.getChildren().get(0), node.getName() + " takes no block: " + takes);
      }
    }

    /** A setting given twice, in either form, is an error (the second would silently win). */
    private void once(KdlNode node, KdlNode first, String where) {
      if (first != null) {
        throw error(
            node,
            "'"
                + node.getName()
                + "' is given twice in "
                + where
                + " (first on line "
                + line(first)
                + ")");
      }
    }

    InvalidWorkflowException unknownNode(KdlNode node, String where, List<String> expected) {
      return error(
          node,
          "unknown node '"
              + node.getName()
              + "' "
              + where
              + Suggestions.hint(node.getName(), expected));
    }

    String scalar(KdlNode node, KdlValue<?> v, String what) {
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

    /** An error pointing at the property {@code key} of {@code node}, where it can be found. */
    InvalidWorkflowException propertyError(KdlNode node, String key, String reason) {
      int line = line(node);
      int column =
          SourceExcerpt.propertyColumn(
              source, line, node.location() == null ? 1 : node.location().column(), key);
      return new InvalidWorkflowException(
          path, line, column, reason, SourceExcerpt.format(path, source, line, column, reason));
    }

    /**
     * {@code runs_on} and {@code timeout} of a job or group, from its properties ({@code job "a"
     * runs_on="linux"}) or its child nodes ({@code runs_on "linux"}); each at most once.
     */
    private final class Settings {
      private final String what;
      String runsOn;
      KdlNode runsOnNode;
      Integer timeout;
      KdlNode timeoutNode;

      Settings(String what) {
        this.what = what;
      }

      void readProperties(KdlNode node) {
        for (var e : node.getProperties().entrySet()) {
          String key = e.getKey();
          switch (key) {
            case "runs_on" -> {
              if (!e.getValue().isString()) {
                throw propertyError(node, key, "runs_on takes a string: runs_on=\"linux\"");
              }
              runsOn(node, (String) e.getValue().value());
            }
            case "timeout" ->
                timeout(node, KdlWorkflowParser.Reader.this.timeout(node, e.getValue()));
            default ->
                throw propertyError(
                    node,
                    key,
                    "unknown property '"
                        + key
                        + "' of "
                        + what
                        + Suggestions.hint(key, NODE_PROPERTIES));
          }
        }
      }

      void runsOn(KdlNode node, String label) {
        once(node, "runs_on", runsOnNode);
        runsOn = label;
        runsOnNode = node;
      }

      void timeout(KdlNode node, Integer seconds) {
        once(node, "timeout", timeoutNode);
        timeout = seconds;
        timeoutNode = node;
      }

      private void once(KdlNode node, String setting, KdlNode first) {
        if (first != null) {
          throw error(
              node,
              setting
                  + " is given twice for "
                  + what
                  + " (first on line "
                  + line(first)
                  + "); give it once, as a property or as a node");
        }
      }
    }
  }

  /** What a group gives its jobs. */
  private record GroupDefaults(
      String name,
      String runsOn,
      KdlNode runsOnNode,
      Integer timeout,
      Map<String, String> env,
      Map<String, KdlNode> envNodes) {
    static final GroupDefaults NONE = new GroupDefaults(null, null, null, null, Map.of(), Map.of());
  }

  /** A job as read, before its matrix is expanded and its needs widened to matrix cells. */
  private record Draft(JobSpec spec, KdlNode node, Matrix matrix, KdlNode matrixNode) {}
}
