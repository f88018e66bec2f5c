package dev.solstice.simulator.github;

import java.time.Instant;

/**
 * One request the simulator received.
 *
 * @param operation GitHub operation id (e.g. {@code checks/create}), or "unknown"
 * @param credential "jwt", "installation", "static", "invalid" or "none"
 * @param installationId installation of the token (0 if none)
 * @param status answer status; 0 when the simulator did not answer (timeout/reset faults)
 * @param fault the injected fault that answered, or null
 */
public record RecordedCall(
    String method,
    String path,
    String query,
    String operation,
    String credential,
    long installationId,
    int status,
    Fault.Kind fault,
    Instant at) {

  public boolean is(String method, String operation) {
    return this.method.equalsIgnoreCase(method) && this.operation.equals(operation);
  }
}
