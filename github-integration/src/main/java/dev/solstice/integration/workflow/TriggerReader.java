package dev.solstice.integration.workflow;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.policy.EventFilter;
import dev.solstice.integration.policy.PatternList;
import dev.solstice.integration.policy.Triggers;
import dev.solstice.kdl.KdlNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Reads a workflow's {@code on} section (format: {@code docs/workflow-kdl.md}, "Triggers"). */
final class TriggerReader {

  private static final Set<String> PUSH_NODES =
      new TreeSet<>(
          List.of("branches", "branches_ignore", "tags", "tags_ignore", "paths", "paths_ignore"));
  private static final Set<String> PR_NODES =
      new TreeSet<>(
          List.of(
              "types",
              "branches",
              "branches_ignore",
              "paths",
              "paths_ignore",
              "labels",
              "labels_ignore",
              "drafts"));

  private final KdlWorkflowParser.Reader r;

  TriggerReader(KdlWorkflowParser.Reader reader) {
    this.r = reader;
  }

  Triggers read(KdlNode on) {
    if (!on.getArguments().isEmpty() || !on.getProperties().isEmpty()) {
      throw r.error(on, "on takes a block: on { push; pull_request { ... }; }");
    }
    EventFilter push = null;
    EventFilter pullRequest = null;
    boolean ignoreBots = true;
    PatternList authors = PatternList.empty();
    PatternList authorsIgnore = PatternList.empty();
    Set<String> seen = new LinkedHashSet<>();
    for (KdlNode child : on.getChildren()) {
      if (!seen.add(child.getName())) {
        throw r.error(child, "'" + child.getName() + "' appears twice in the on section");
      }
      switch (child.getName()) {
        case "push" -> push = event(child, PUSH_NODES);
        case "pull_request" -> pullRequest = event(child, PR_NODES);
        case "ignore_bots" -> ignoreBots = flag(child);
        case "authors" -> authors = patterns(child, TriggerReader::literalBrackets, true);
        case "authors_ignore" ->
            authorsIgnore = patterns(child, TriggerReader::literalBrackets, true);
        default ->
            throw r.unknownNode(
                child,
                "in on",
                List.of("push", "pull_request", "ignore_bots", "authors", "authors_ignore"));
      }
    }
    if (push == null && pullRequest == null) {
      throw r.error(on, "the on section names no event; add push and/or pull_request");
    }
    return new Triggers(push, pullRequest, ignoreBots, authors, authorsIgnore);
  }

  private EventFilter event(KdlNode node, Set<String> allowed) {
    if (!node.getArguments().isEmpty() || !node.getProperties().isEmpty()) {
      throw r.error(node, node.getName() + " takes no arguments, only a block of filters");
    }
    Set<String> types = new LinkedHashSet<>();
    PatternList branches = PatternList.empty();
    PatternList branchesIgnore = PatternList.empty();
    PatternList tags = PatternList.empty();
    PatternList tagsIgnore = PatternList.empty();
    PatternList paths = PatternList.empty();
    PatternList pathsIgnore = PatternList.empty();
    List<String> labels = new ArrayList<>();
    List<String> labelsIgnore = new ArrayList<>();
    boolean drafts = false;
    Set<String> seen = new LinkedHashSet<>();
    for (KdlNode child : node.getChildren()) {
      String name = child.getName();
      if (!allowed.contains(name)) {
        throw r.unknownNode(child, "in " + node.getName(), List.copyOf(allowed));
      }
      if (!seen.add(name)) {
        throw r.error(
            child,
            "'"
                + name
                + "' appears twice in "
                + node.getName()
                + "; list every pattern in one node");
      }
      switch (name) {
        case "types" -> {
          for (String type : r.strings(child, "types")) {
            if (!BuildTrigger.PULL_REQUEST_ACTIONS.contains(type)) {
              throw r.error(
                  child,
                  "pull_request type \""
                      + type
                      + "\" is not one of "
                      + String.join(", ", new TreeSet<>(BuildTrigger.PULL_REQUEST_ACTIONS)));
            }
            types.add(type);
          }
        }
        case "branches" -> branches = patterns(child, Function.identity(), false);
        case "branches_ignore" -> branchesIgnore = patterns(child, Function.identity(), false);
        case "tags" -> tags = patterns(child, Function.identity(), false);
        case "tags_ignore" -> tagsIgnore = patterns(child, Function.identity(), false);
        case "paths" -> paths = patterns(child, Function.identity(), false);
        case "paths_ignore" -> pathsIgnore = patterns(child, Function.identity(), false);
        case "labels" -> labels.addAll(r.strings(child, "labels"));
        case "labels_ignore" -> labelsIgnore.addAll(r.strings(child, "labels_ignore"));
        default -> drafts = flag(child);
      }
    }
    return new EventFilter(
        types,
        branches,
        branchesIgnore,
        tags,
        tagsIgnore,
        paths,
        pathsIgnore,
        labels,
        labelsIgnore,
        drafts);
  }

  private PatternList patterns(KdlNode node, Function<String, String> prepare, boolean ignoreCase) {
    List<String> raw = r.strings(node, node.getName());
    try {
      List<String> prepared = raw.stream().map(prepare).toList();
      return ignoreCase ? PatternList.ofIgnoreCase(prepared) : PatternList.of(prepared);
    } catch (IllegalArgumentException e) {
      throw r.error(node, node.getName() + ": " + e.getMessage());
    }
  }

  private boolean flag(KdlNode node) {
    if (node.getArguments().size() != 1
        || !node.getProperties().isEmpty()
        || !node.getChildren().isEmpty()) {
      throw r.error(node, node.getName() + " takes #true or #false");
    }
    return r.bool(node, node.getArguments().get(0), node.getName());
  }

  /** Logins such as {@code dependabot[bot]}: brackets are part of the name, not a character set. */
  private static String literalBrackets(String login) {
    return login.replace("[", "\\[").replace("]", "\\]");
  }
}
