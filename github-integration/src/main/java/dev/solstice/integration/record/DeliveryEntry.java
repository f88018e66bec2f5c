package dev.solstice.integration.record;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What the record keeps of one webhook delivery at one moment: its arrival ({@link
 * Outcome#RECEIVED}, with the body when {@code STORE_PAYLOADS=true}), then what processing made of
 * it. Later entries of a delivery fill in what the earlier ones did not know; a late {@code
 * received} never overwrites an outcome.
 *
 * @param action null when the event has none, or not known yet
 * @param installationId null when not known
 * @param repository {@code owner/name}; null when not known
 * @param reason why it was ignored, held, failed or parked; null otherwise
 * @param requestIds the JobRequests it produced (empty for none)
 * @param payload the raw body; null unless stored
 */
public record DeliveryEntry(
    String deliveryId,
    String event,
    String action,
    Long installationId,
    String repository,
    Instant receivedAt,
    Outcome outcome,
    String reason,
    int attempts,
    List<UUID> requestIds,
    byte[] payload) {

  public DeliveryEntry {
    requestIds = List.copyOf(requestIds);
  }

  /** What became of a delivery. */
  public enum Outcome {
    /** Accepted (202) and on the intake queue, not processed yet. */
    RECEIVED,
    /** Processed: its JobRequests were published (or it needed none for a reason, see IGNORED). */
    PUBLISHED,
    /** Processed, nothing to do: the reason says why. */
    IGNORED,
    /** Processed, its check runs held neutral for a maintainer (fork pull request). */
    HELD,
    /** A processing attempt failed; it will be tried again. */
    FAILED,
    /** Given up on: in the intake dead-letter queue. */
    PARKED,
    /** An installation or installation_repositories event applied to the record. */
    APPLIED;

    public String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A delivery answered at the edge without being enqueued (ping, nothing to trigger). */
  public static DeliveryEntry ignoredAtEdge(
      String deliveryId, String event, Instant receivedAt, String reason) {
    return known(deliveryId, event, receivedAt, Outcome.IGNORED, reason, 1, null);
  }

  /** A delivery just accepted at the edge. */
  public static DeliveryEntry received(
      String deliveryId, String event, Instant receivedAt, byte[] payload) {
    return known(deliveryId, event, receivedAt, Outcome.RECEIVED, null, 1, payload);
  }

  /**
   * A processing attempt that failed ({@link Outcome#FAILED}) or gave up ({@link Outcome#PARKED}).
   */
  public static DeliveryEntry failed(
      String deliveryId,
      String event,
      Instant receivedAt,
      Outcome outcome,
      String reason,
      int attempts) {
    return known(deliveryId, event, receivedAt, outcome, reason, attempts, null);
  }

  /**
   * An entry that knows the delivery but not what it was about (action, installation, repository).
   */
  private static DeliveryEntry known(
      String deliveryId,
      String event,
      Instant receivedAt,
      Outcome outcome,
      String reason,
      int attempts,
      byte[] payload) {
    return new DeliveryEntry(
        deliveryId,
        event,
        null,
        null,
        null,
        receivedAt,
        outcome,
        reason,
        attempts,
        List.of(),
        payload);
  }
}
