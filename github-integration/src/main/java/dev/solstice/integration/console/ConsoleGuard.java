package dev.solstice.integration.console;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may use the console and how its forms are protected, supplied by the login (issue 16): the
 * console has no notion of users of its own and is not mounted without a guard.
 */
public interface ConsoleGuard {

  /**
   * Puts sessions, a small form-body handler and the CSRF check (a POST without the session's token
   * is refused with 403) on {@code path}; called before the console's own routes.
   */
  void protect(Router router, String path);

  /** Lets an admin through ({@code ctx.next()}); answers anyone else (login, 404 or 403). */
  Handler<RoutingContext> adminOnly();

  /** The form field a POST carries its CSRF token in. */
  String csrfField();

  /** The CSRF token to put in this page's forms. */
  String csrfToken(RoutingContext ctx);

  /** Who is signed in, as the page header shows it; null when unknown. */
  default String user(RoutingContext ctx) {
    return null;
  }
}
