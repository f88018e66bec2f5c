package dev.solstice.integration.workflow;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The GitHub permissions a job's token may carry (issue 13): the names a workflow's {@code
 * permissions} block accepts, the default, and what a fork pull request is reduced to.
 */
public final class Permissions {

  /** The permissions a workflow may grant, as GitHub names them. */
  public static final Set<String> NAMES =
      Set.of("contents", "issues", "pull_requests", "checks", "statuses", "metadata");

  /** What a job gets when its workflow says nothing: read its code, nothing else. */
  public static final Map<String, String> DEFAULT = Map.of("contents", "read", "metadata", "read");

  private Permissions() {}

  /**
   * What a job's token carries: the workflow's grant (else {@link #DEFAULT}) with {@code metadata:
   * read} always, and every {@code write} lowered to {@code read} for a fork pull request, whose
   * code is not trusted.
   *
   * @param granted the job's or workflow's {@code permissions}; null when neither names any
   */
  public static Map<String, String> effective(Map<String, String> granted, boolean fork) {
    Map<String, String> out = new TreeMap<>(granted == null ? DEFAULT : granted);
    out.values().removeIf("none"::equals);
    out.put("metadata", "read");
    if (fork) {
      out.replaceAll((name, level) -> "read");
    }
    return Map.copyOf(out);
  }
}
