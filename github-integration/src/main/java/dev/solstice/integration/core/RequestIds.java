package dev.solstice.integration.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * request_ids are name-based UUIDs of delivery id and job id, so processing a delivery again after
 * a crash yields the same ids (and consumers can drop the duplicate), never new work.
 */
public final class RequestIds {

  /** The job id used for the single job of a repository without a workflow file. */
  public static final String DEFAULT_JOB = "default";

  private RequestIds() {}

  public static UUID of(String deliveryId, String jobId) {
    return UUID.nameUUIDFromBytes(
        ("solstice:" + deliveryId + ":" + jobId).getBytes(StandardCharsets.UTF_8));
  }
}
