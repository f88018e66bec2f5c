package dev.solstice.integration.intake;

class InMemoryInstallationLanesTest extends LanesContract {
  private final InstallationLanes lanes = new InMemoryInstallationLanes();

  @Override
  InstallationLanes lanes() {
    return lanes;
  }
}
