package dev.solstice.integration.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Locale;

/**
 * A webhook App set to send {@code application/x-www-form-urlencoded} (or a multipart client) gets
 * 415 before the body is read: the body handler would otherwise decode the form, and answer 400 for
 * any real payload (larger than the form attribute limit) instead of saying what is wrong. A
 * platform handler, so it runs before the body handler.
 */
public final class NoFormsHandler implements PlatformHandler {

  @Override
  public void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/")) {
      ctx.response()
          .setStatusCode(415)
          .putHeader("Content-Type", "application/json")
          .end(
              new JsonObject()
                  .put(
                      "error",
                      "content type "
                          + type
                          + " is not supported; configure the webhook to send application/json")
                  .encode());
      return;
    }
    ctx.next();
  }
}
