package dev.solstice.integration.http;

import dev.solstice.integration.http.HttpRefusals.Reason;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.integration.webhook.WebhookHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a webhook body within the limits and verifies its signature while it arrives, then hands
 * the verified body to the next handler as {@link WebhookHandler#VERIFIED_BODY}. Instead of
 * Vert.x's {@code BodyHandler}, which buffers first and lets the webhook handler check afterwards.
 *
 * <ul>
 *   <li>401 before the body is read when the signature header is missing or malformed; 401 at the
 *       end when it is wrong
 *   <li>413 from {@code Content-Length} before the body is read, or as soon as a chunked body
 *       passes the cap
 *   <li>503 with {@code Retry-After} when the body would not fit in what is left of the shared
 *       {@link BodyBudget}
 * </ul>
 *
 * A refused request's connection is closed once its answer is out. The bytes a request reserved are
 * released when its exchange ends, whatever the outcome (answer, refusal, client gone). Body
 * deadlines are the {@link ConnectionGuard}'s.
 *
 * @param verifier null accepts unsigned bodies (ALLOW_UNSIGNED_WEBHOOKS)
 */
public record StreamingBodyHandler(
    long maxBodyBytes,
    BodyBudget budget,
    StreamingSignatureVerifier verifier,
    HttpRefusals refusals)
    implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingBodyHandler.class);
  static final String RETRY_AFTER_SECONDS = "5";

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    StreamingSignatureVerifier.Digest digest = null;
    if (verifier != null) {
      digest = verifier.begin(request.getHeader(SignatureVerifier.HEADER));
      if (digest == null) {
        LOG.warn(
            "rejected webhook from {}: missing or malformed {}",
            request.remoteAddress(),
            SignatureVerifier.HEADER);
        refuse(
            ctx,
            Reason.SIGNATURE,
            401,
            "signature missing or invalid (" + SignatureVerifier.HEADER + ")",
            false);
        return;
      }
    }
    long declared = declaredLength(request);
    if (declared > maxBodyBytes) {
      refuse(ctx, Reason.SIZE, 413, "body larger than " + maxBodyBytes + " bytes", false);
      return;
    }
    if (declared >= 0 && !budget.tryReserve(declared)) {
      refuse(
          ctx, Reason.BUDGET, 503, "busy: too many request bodies in flight, retry later", false);
      return;
    }
    new Reading(ctx, digest, Math.max(declared, 0), declared >= 0).start();
  }

  /**
   * The Content-Length, or -1 when the body is chunked (Netty has already refused a malformed one).
   */
  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** One body being read. Runs on the connection's event loop. */
  private final class Reading {

    private final RoutingContext ctx;
    private final StreamingSignatureVerifier.Digest digest;
    private final boolean reservedUpFront;
    private long reserved;
    private long received;
    private Buffer body;
    private boolean done;

    Reading(
        RoutingContext ctx,
        StreamingSignatureVerifier.Digest digest,
        long reserved,
        boolean reservedUpFront) {
      this.ctx = ctx;
      this.digest = digest;
      this.reserved = reserved;
      this.reservedUpFront = reservedUpFront;
      this.body = Buffer.buffer((int) Math.min(reserved, Integer.MAX_VALUE - 8));
    }

    void start() {
      HttpServerRequest request = ctx.request();
      ctx.addEndHandler(ar -> release());
      request.exceptionHandler(
          e -> {
            done = true;
            release();
          });
      request.handler(this::chunk);
      request.endHandler(v -> end());
      request.resume();
    }

    private void chunk(Buffer chunk) {
      if (done) {
        return;
      }
      received += chunk.length();
      if (received > maxBodyBytes) {
        stop(Reason.SIZE, 413, "body larger than " + maxBodyBytes + " bytes");
        return;
      }
      if (!reservedUpFront) {
        if (!budget.tryReserve(chunk.length())) {
          stop(Reason.BUDGET, 503, "busy: too many request bodies in flight, retry later");
          return;
        }
        reserved += chunk.length();
      }
      if (digest != null) {
        digest.update(chunk);
      }
      body.appendBuffer(chunk);
    }

    private void end() {
      if (done) {
        return;
      }
      done = true;
      if (digest != null && !digest.matches()) {
        LOG.warn(
            "rejected webhook from {}: wrong {}",
            ctx.request().remoteAddress(),
            SignatureVerifier.HEADER);
        release();
        refuse(
            ctx,
            Reason.SIGNATURE,
            401,
            "signature missing or invalid (" + SignatureVerifier.HEADER + ")",
            true);
        return;
      }
      ctx.put(WebhookHandler.VERIFIED_BODY, body);
      ctx.next();
    }

    /** Refused while the body streams in: what came is dropped, and the connection closes. */
    private void stop(Reason reason, int status, String error) {
      done = true;
      release();
      refuse(ctx, reason, status, error, true);
    }

    private void release() {
      body = null;
      if (reserved > 0) {
        budget.release(reserved);
        reserved = 0;
      }
    }
  }

  /**
   * Answers and closes the connection. Refused before the body was read: the rest of the body is
   * read and dropped first (a client that is still sending would otherwise see a reset instead of
   * the answer), within the {@link ConnectionGuard}'s body deadline.
   */
  private void refuse(
      RoutingContext ctx, Reason reason, int status, String error, boolean bodyRead) {
    refusals.refused(reason);
    HttpServerRequest request = ctx.request();
    var response = ctx.response();
    if (status == 503) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    Future<Void> answered =
        response.ended()
            ? Future.succeededFuture()
            : response
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(new JsonObject().put("error", error).encode());
    if (bodyRead || request.isEnded()) {
      answered.onComplete(v -> ConnectionGuard.closeNow(request.connection()));
      return;
    }
    request.handler(chunk -> {});
    request.exceptionHandler(e -> {});
    request.endHandler(
        v -> answered.onComplete(x -> ConnectionGuard.closeNow(request.connection())));
    request.resume();
  }
}
