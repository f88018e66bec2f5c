package dev.solstice.integration;

import dev.solstice.integration.intake.DefaultJobPlanner;

/** Chooses the production implementations of the pluggable parts. */
final class Wiring {

  private Wiring() {
  }

  static IntegrationService.PlannerFactory planner() {
    return parts -> new DefaultJobPlanner(parts.clock(), parts.config()::runsOnFor);
  }
}
