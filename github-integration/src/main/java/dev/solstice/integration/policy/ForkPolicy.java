package dev.solstice.integration.policy;

import java.util.Locale;
import java.util.Set;

/**
 * Whether a pull request from a fork runs without a maintainer's say ({@code FORK_PR_POLICY}):
 * {@code never}, {@code members} (the author is the repository's OWNER, a MEMBER of its
 * organization or a COLLABORATOR, by the payload's {@code author_association}) or {@code always}.
 */
public enum ForkPolicy {
  NEVER,
  MEMBERS,
  ALWAYS;

  /** author_association values of people with a say in the repository. */
  public static final Set<String> TRUSTED_ASSOCIATIONS = Set.of("OWNER", "MEMBER", "COLLABORATOR");

  /**
   * @throws IllegalArgumentException for another value
   */
  public static ForkPolicy parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "never" -> NEVER;
      case "members" -> MEMBERS;
      case "always" -> ALWAYS;
      default ->
          throw new IllegalArgumentException(
              "expected never, members or always, got \"" + value + "\"");
    };
  }

  /** Whether the association is one of a trusted author. */
  public static boolean trusted(String authorAssociation) {
    return authorAssociation != null
        && TRUSTED_ASSOCIATIONS.contains(authorAssociation.toUpperCase(Locale.ROOT));
  }

  /** Whether a fork pull request by an author with this association runs automatically. */
  public boolean allows(String authorAssociation) {
    return switch (this) {
      case NEVER -> false;
      case MEMBERS -> trusted(authorAssociation);
      case ALWAYS -> true;
    };
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
