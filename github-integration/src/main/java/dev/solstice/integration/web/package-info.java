/**
 * The browser side's GitHub login, sessions, CSRF protection and access checks (issue 16).
 *
 * <p>For a page of your own (the operator console, say):
 *
 * <pre>{@code
 * webAuth.protect(router, "/console/*");                 // session + form body + CSRF, first
 * router.get("/console").handler(webAuth.access().requireAdmin()).handler(this::page);
 * // in a handler:
 * Viewer viewer = access.viewer(ctx);                     // login or Viewer.ANONYMOUS
 * access.canRead(viewer, "owner/name")                    // Future<Boolean>, cached
 *     .onSuccess(ok -> ...).onFailure(err -> access.failed(ctx, err));  // 401 → login again
 * html.append("<form method=post>").append(Access.csrfField(ctx)) ...   // every form
 * }</pre>
 *
 * <p>{@link dev.solstice.integration.web.WebAuth} assembles it; the choices are in {@code
 * docs/adr/0013-sessions-and-csrf.md}.
 */
package dev.solstice.integration.web;
