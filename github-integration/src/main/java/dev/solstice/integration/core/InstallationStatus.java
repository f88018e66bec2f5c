package dev.solstice.integration.core;

/** Whether an App installation may be served, as the record knows it. */
public enum InstallationStatus {
  /** Installed and not suspended: deliveries are served. */
  ACTIVE,
  /** Suspended by its owner: deliveries make no GitHub call and no job. */
  SUSPENDED,
  /** Uninstalled: deliveries make no GitHub call and no job. */
  DELETED,
  /** Not in the record (no database, or an installation it has not seen yet): served. */
  UNKNOWN;

  /** True when the installation's deliveries must not be served. */
  public boolean gone() {
    return this == SUSPENDED || this == DELETED;
  }
}
