package dev.solstice.jobrequest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a job ended, named as GitHub names check-run conclusions. */
public enum Conclusion {
  @JsonProperty("success")
  SUCCESS,
  @JsonProperty("failure")
  FAILURE,
  @JsonProperty("cancelled")
  CANCELLED,
  @JsonProperty("timed_out")
  TIMED_OUT,
  @JsonProperty("skipped")
  SKIPPED,
  @JsonProperty("neutral")
  NEUTRAL;

  /** The name GitHub's API uses, e.g. {@code timed_out}. */
  @JsonValue
  public String apiName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
