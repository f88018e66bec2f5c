package dev.solstice.integration.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service-level allowlist and denylist of repositories ({@code REPO_ALLOWLIST}, {@code
 * REPO_DENYLIST}): comma-separated globs over {@code owner/name}, case-insensitive; an entry
 * without {@code /} names an owner (all its repositories). A repository runs when the allowlist is
 * empty or matches it, and the denylist does not; the denylist wins.
 */
public final class RepoAccess {

  private final List<Glob> allow;
  private final List<Glob> deny;

  private RepoAccess(List<Glob> allow, List<Glob> deny) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
  }

  public static RepoAccess allowAll() {
    return new RepoAccess(List.of(), List.of());
  }

  /**
   * @throws IllegalArgumentException naming an invalid entry
   */
  public static RepoAccess of(List<String> allowlist, List<String> denylist) {
    return new RepoAccess(compile(allowlist), compile(denylist));
  }

  private static List<Glob> compile(List<String> entries) {
    List<Glob> out = new ArrayList<>();
    for (String e : entries) {
      String entry = e.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.indexOf('/') != entry.lastIndexOf('/')) {
        throw new IllegalArgumentException("\"" + entry + "\" is neither owner nor owner/name");
      }
      out.add(Glob.compileIgnoreCase(entry.contains("/") ? entry : entry + "/*"));
    }
    return out;
  }

  /** Why the repository may not run, or empty when it may. */
  public Optional<String> refusal(String fullName) {
    Optional<Glob> denied = deny.stream().filter(g -> g.matches(fullName)).findFirst();
    if (denied.isPresent()) {
      return Optional.of(fullName + " matches REPO_DENYLIST entry " + denied.get());
    }
    if (!allow.isEmpty() && allow.stream().noneMatch(g -> g.matches(fullName))) {
      return Optional.of(fullName + " matches no REPO_ALLOWLIST entry");
    }
    return Optional.empty();
  }

  public boolean allows(String fullName) {
    return refusal(fullName).isEmpty();
  }

  public boolean isOpen() {
    return allow.isEmpty() && deny.isEmpty();
  }

  @Override
  public String toString() {
    return "allow=" + allow + ", deny=" + deny;
  }
}
