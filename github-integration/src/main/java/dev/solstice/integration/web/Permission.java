package dev.solstice.integration.web;

import io.vertx.core.json.JsonObject;

/** A viewer's permission on a repository, as GitHub's {@code permissions} object tells it. */
public enum Permission {
  NONE,
  READ,
  WRITE,
  ADMIN;

  public boolean canRead() {
    return this != NONE;
  }

  public boolean canWrite() {
    return this == WRITE || this == ADMIN;
  }

  /** From {@code repos/get}'s {@code permissions} (admin, maintain, push, triage, pull). */
  static Permission of(JsonObject permissions) {
    if (permissions == null) {
      return NONE;
    }
    if (permissions.getBoolean("admin", false)) {
      return ADMIN;
    }
    if (permissions.getBoolean("maintain", false) || permissions.getBoolean("push", false)) {
      return WRITE;
    }
    if (permissions.getBoolean("triage", false) || permissions.getBoolean("pull", false)) {
      return READ;
    }
    return NONE;
  }
}
