package dev.solstice.jobrequest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a job is in its life, as reported in {@link JobResult#status()}. */
public enum JobStatus {
  @JsonProperty("started")
  STARTED,
  @JsonProperty("completed")
  COMPLETED
}
