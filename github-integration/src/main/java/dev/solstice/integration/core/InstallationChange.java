package dev.solstice.integration.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An {@code installation} or {@code installation_repositories} delivery: the App was installed,
 * removed, suspended, given new permissions, or its repositories changed. It starts no build; it
 * updates the record of installations, and a deleted or suspended installation gets no more work.
 *
 * @param event {@code installation} or {@code installation_repositories}
 * @param action GitHub's action: created, deleted, suspend, unsuspend, new_permissions_accepted,
 *     added, removed
 * @param suspendedAt when the installation was suspended; null when it is not
 * @param added repositories added (on created: every repository granted)
 * @param removed repositories removed
 */
public record InstallationChange(
    String event,
    String action,
    long installationId,
    String accountLogin,
    String accountType,
    String repositorySelection,
    Map<String, String> permissions,
    List<String> events,
    Instant suspendedAt,
    List<Repository> added,
    List<Repository> removed)
    implements WebhookEvent {

  public InstallationChange {
    permissions = Map.copyOf(permissions);
    events = List.copyOf(events);
    added = List.copyOf(added);
    removed = List.copyOf(removed);
  }

  /** The status the installation has after this change. */
  public InstallationStatus status() {
    if ("deleted".equals(action)) {
      return InstallationStatus.DELETED;
    }
    return suspendedAt != null || "suspend".equals(action)
        ? InstallationStatus.SUSPENDED
        : InstallationStatus.ACTIVE;
  }

  /** A repository of an installation. */
  public record Repository(long id, String fullName, boolean isPrivate) {}
}
