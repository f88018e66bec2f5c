package dev.solstice.integration.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lanes' meters: deliveries set aside, lane turns by outcome, and the depth of the deepest
 * lanes ({@code solstice_intake_lane_depth{installation}}, the top {@link #TOP} only, so the number
 * of series stays bounded whatever the number of installations) with the number of non-empty lanes.
 */
public final class LaneMeters {
  /** How many of the deepest lanes get a series of their own. */
  public static final int TOP = 10;

  private final MeterRegistry registry;
  private final Counter setAside;
  private final MultiGauge depth;
  private final AtomicLong lanes = new AtomicLong();

  public LaneMeters(MeterRegistry registry) {
    this.registry = registry;
    this.setAside =
        Counter.builder("solstice_intake_set_asides")
            .description("deliveries set aside in their installation's lane")
            .register(registry);
    this.depth =
        MultiGauge.builder("solstice_intake_lane_depth")
            .description("deliveries waiting in the deepest installation lanes")
            .register(registry);
    registry.gauge("solstice_intake_lanes", lanes);
  }

  void setAside() {
    setAside.increment();
  }

  /** One lane turn: {@code served}, {@code superseded}, {@code failed}. */
  void turn(String outcome) {
    registry.counter("solstice_intake_lane_turns", "outcome", outcome).increment();
  }

  /** The latest depths read from the lanes. */
  void depths(List<InstallationLanes.Depth> deepest, long nonEmpty) {
    lanes.set(nonEmpty);
    depth.register(
        deepest.stream()
            .map(
                d ->
                    MultiGauge.Row.of(
                        Tags.of("installation", d.installation()), (Number) d.deliveries()))
            .toList(),
        true);
  }
}
