package dev.solstice.integration.core;

import java.time.Instant;

/**
 * A verified webhook delivery as kept on the intake queue: the raw body exactly as GitHub sent it
 * and the headers that matter. Processing reads it back from there, so nothing is lost between the
 * 202 and the JobRequests. How it is written to and read from an AMQP message is {@code
 * intake.IntakeMessages}'s business.
 *
 * @param attempt 1 for the first processing, counted up by each retry
 */
public record WebhookDelivery(
    String deliveryId, String event, byte[] body, Instant receivedAt, int attempt) {}
