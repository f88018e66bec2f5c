package dev.solstice.integration.console;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.execution.RunStore;
import dev.solstice.integration.github.PacingPolicy;
import dev.solstice.integration.github.RedisWriteBudget;
import dev.solstice.integration.ops.QueueDepthGauge;
import dev.solstice.integration.record.RecordQueries;
import dev.solstice.integration.recovery.MissedDeliveryJob;
import dev.solstice.integration.recovery.Redelivery;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the console reads and acts through; each part may be absent (null) where the service runs
 * without it, and the page then says so.
 *
 * @param record the record's read side; null without DATABASE_URL
 * @param parked the dead-letter queues of the three flows
 * @param runs the run state (jobs of a delivery); null without a GitHub App
 * @param checkRuns request id to check run id; null without a GitHub App
 * @param redelivery GitHub's redelivery of a delivery; null without a GitHub App
 * @param missed the missed-delivery job, once started; empty when off
 * @param depths queue depths and consumer counts, as the metrics measure them
 * @param budget the shared write budget; null without Redis (each process paces itself)
 * @param pacing the write limits of each installation
 * @param registry the meters ({@code github_ratelimit_remaining{installation}})
 */
public record ConsoleSources(
    RecordQueries record,
    ParkedMessages parked,
    RunStore runs,
    CheckRunMap checkRuns,
    Redelivery redelivery,
    Supplier<Optional<MissedDeliveryJob>> missed,
    QueueDepthGauge depths,
    RedisWriteBudget budget,
    PacingPolicy pacing,
    MeterRegistry registry) {}
