package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** JobRequests for tests, valid against jobrequest.v1. */
final class TestJobs {

  static final String SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

  private TestJobs() {}

  static JobRequest job(List<String> script, Map<String, String> env) {
    return job(script, env, null);
  }

  static JobRequest job(List<String> script, Map<String, String> env, Integer timeoutSeconds) {
    UUID id = UUID.randomUUID();
    return JobRequest.builder(
            id,
            "https://github.com/Codertocat/Hello-World.git",
            SHA,
            Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .repository("Codertocat/Hello-World")
        .installationId(1L)
        .event("push")
        .ref("refs/heads/main")
        .workflow(".solstice/workflow.kdl", "test")
        .deliveryId(UUID.randomUUID().toString())
        .script(script)
        .env(env)
        .timeoutSeconds(timeoutSeconds)
        .checkRunId(4L)
        .logPath("/logs/" + id + ".log")
        .build();
  }
}
