package dev.solstice.integration.setup;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import dev.solstice.integration.github.AppInstallation;
import java.util.List;
import java.util.Map;

/**
 * The setup pages' HTML. Every value that came from a request, GitHub or the configuration goes
 * through the OWASP Java Encoder ({@code Encode.forHtml}, {@code forHtmlAttribute}); the rest is
 * constant text.
 */
final class SetupPages {

  private SetupPages() {}

  static String newApp(String action, String manifestJson, String org, String base) {
    return page(
        "Create the GitHub App",
        "<p>This creates Solstice CI's GitHub App on "
            + (org == null
                ? "your personal account"
                : "the organisation <b>" + forHtml(org) + "</b>")
            + " from its manifest. GitHub asks you to confirm, then sends you back to <code>"
            + forHtml(base + ManifestForm.CALLBACK_PATH)
            + "</code>, where this service saves the App's credentials.</p>\n"
            + "<form action=\""
            + forHtmlAttribute(action)
            + "\" method=\"post\">\n"
            + "<input type=\"hidden\" name=\"manifest\" value=\""
            + forHtmlAttribute(manifestJson)
            + "\">\n<button type=\"submit\">Create GitHub App</button>\n</form>\n"
            + "<p>For an organisation, open <code>"
            + forHtml(ManifestForm.NEW_APP_PATH)
            + "?org=NAME</code>.</p>\n<h2>Manifest</h2>\n<pre>"
            + forHtml(manifestJson)
            + "</pre>");
  }

  static String created(CredentialFiles.Written w) {
    StringBuilder env = new StringBuilder();
    w.env().forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
    return page(
        "GitHub App created",
        "<p>GitHub created the App <b>"
            + forHtml(w.slug())
            + "</b> (id "
            + w.appId()
            + ").</p>\n<p>Its private key, webhook secret and client id and secret are in <code>"
            + forHtml(w.directory().toString())
            + "</code> (each file readable by its owner only). Set this environment and restart"
            + " the service (or <code>source "
            + forHtml(w.envFile().toString())
            + "</code>):</p>\n<pre>"
            + forHtml(env.toString())
            + "</pre>\n<p>Then install the App on your repositories: <a href=\""
            + forHtmlAttribute(w.htmlUrl() + "/installations/new")
            + "\">"
            + forHtml(w.htmlUrl() + "/installations/new")
            + "</a>.</p>");
  }

  static String installed(
      AppInstallation inst, List<AppInstallation.Repository> repos, boolean update) {
    StringBuilder list = new StringBuilder("<ul>\n");
    for (AppInstallation.Repository r : repos) {
      list.append("<li>").append(forHtml(r.fullName())).append("</li>\n");
    }
    list.append("</ul>\n");
    StringBuilder perms = new StringBuilder();
    for (Map.Entry<String, String> e : inst.permissions().entrySet()) {
      perms
          .append(perms.isEmpty() ? "" : ", ")
          .append(e.getKey())
          .append(": ")
          .append(e.getValue());
    }
    return page(
        update ? "Installation updated" : "Solstice CI is installed",
        "<p>Installation "
            + inst.id()
            + " on the "
            + forHtml(inst.accountType().toLowerCase(java.util.Locale.ROOT))
            + " <b>"
            + forHtml(inst.accountLogin())
            + "</b>, "
            + ("all".equals(inst.repositorySelection())
                ? "for all its repositories (" + repos.size() + " today):"
                : repos.size() + " selected repositor" + (repos.size() == 1 ? "y" : "ies") + ":")
            + "</p>\n"
            + list
            + "<p>Permissions: "
            + forHtml(perms.toString())
            + "</p>\n"
            + (inst.suspendedAt() != null
                ? "<p><b>This installation is suspended</b> (since "
                    + forHtml(inst.suspendedAt().toString())
                    + "): no job runs until it is unsuspended.</p>\n"
                : "")
            + "<h2>What happens next</h2>\n<p>Every push and pull request on these repositories"
            + " now reaches Solstice CI. A repository with <code>.solstice/workflow.kdl</code>"
            + " gets one job per workflow job, each reported on the commit as a check run"
            + " (queued, in progress, completed); a repository without one gets no jobs. Add or"
            + " remove repositories in the installation's settings on GitHub at any time.</p>");
  }

  static String problem(String title, String text) {
    return page(title, "<p>" + forHtml(text) + "</p>");
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + forHtml(title)
        + " · Solstice CI</title></head>\n<body>\n<h1>"
        + forHtml(title)
        + "</h1>\n"
        + body
        + "\n</body></html>\n";
  }
}
