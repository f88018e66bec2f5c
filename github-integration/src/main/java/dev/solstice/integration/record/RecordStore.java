package dev.solstice.integration.record;

import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.InstallationStatus;
import dev.solstice.integration.github.AppInstallation;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * The record of installations, their repositories and every webhook delivery (PostgreSQL when
 * {@code DATABASE_URL} is set). Writes ({@link #delivery}, {@link #apply}) never wait on the
 * database: they go to a bounded buffer that is written behind, so a slow or absent database
 * degrades the record, never the intake.
 */
public interface RecordStore {

  /** Records what became of a delivery (buffered; returns at once). */
  void delivery(DeliveryEntry entry);

  /**
   * Records an installation change (buffered; returns at once). {@link #status} answers from it at
   * once, in this process, even before it is written.
   */
  void apply(InstallationChange change);

  /** What the record knows of an installation; {@link InstallationStatus#UNKNOWN} when nothing. */
  Future<InstallationStatus> status(long installationId);

  /**
   * The deliveries of an installation that produced JobRequests, newest first (at most {@code
   * limit}): their runs may hold jobs waiting on needs.
   */
  Future<List<String>> deliveriesWithJobs(long installationId, int limit);

  /**
   * Makes the record agree with GitHub: these are all the App's installations, with the
   * repositories of each; an installation missing from the list is marked deleted.
   */
  Future<Reconciliation> reconcile(
      List<AppInstallation> installations,
      Map<Long, List<AppInstallation.Repository>> repositories);

  /** Deletes the deliveries received before the retention window; answers how many. */
  Future<Integer> deleteExpiredDeliveries();

  /** Writes waiting in the buffer. */
  int pending();

  /** Writes dropped because the buffer was full (the record misses them). */
  long dropped();

  /**
   * Completes once the record can be read and written: at once without a database, else when the
   * schema is migrated (which may wait for the database to come up).
   */
  Future<Void> ready();

  /** True when there is a database behind this record. */
  boolean enabled();

  Future<Void> close();

  /**
   * What a reconciliation changed.
   *
   * @param installations installations GitHub listed
   * @param markedDeleted installations the record had as active that GitHub no longer lists
   * @param repositoriesAdded repositories the record lacked
   * @param repositoriesRemoved repositories the record had that GitHub no longer grants
   */
  record Reconciliation(
      int installations, int markedDeleted, int repositoriesAdded, int repositoriesRemoved) {}
}
