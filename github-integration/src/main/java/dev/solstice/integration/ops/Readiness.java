package dev.solstice.integration.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.function.BooleanSupplier;

/**
 * Liveness (the process answers) and readiness (each dependency is up), as vertx-health-check
 * procedures.
 */
public final class Readiness {

  private final HealthChecks liveness;
  private final HealthChecks readiness;

  public Readiness(Vertx vertx) {
    this.liveness = HealthChecks.create(vertx);
    this.readiness = HealthChecks.create(vertx);
    liveness.register("event-loop", promise -> promise.complete(Status.OK()));
  }

  /** Adds a readiness check that is up while {@code up} says so. */
  public Readiness check(String name, BooleanSupplier up) {
    readiness.register(
        name,
        promise ->
            promise.complete(
                up.getAsBoolean()
                    ? Status.OK()
                    : Status.KO(new JsonObject().put("reason", name + " is down"))));
    return this;
  }

  /**
   * Adds a readiness check that is down, with {@code problem}'s text as its reason, while {@code
   * problem} answers non-null.
   */
  public Readiness checkWithReason(String name, java.util.function.Supplier<String> problem) {
    readiness.register(
        name,
        promise -> {
          String reason = problem.get();
          promise.complete(
              reason == null ? Status.OK() : Status.KO(new JsonObject().put("reason", reason)));
        });
    return this;
  }

  public HealthChecks liveness() {
    return liveness;
  }

  public HealthChecks readiness() {
    return readiness;
  }
}
