package dev.solstice.integration.console;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;
import static org.owasp.encoder.Encode.forUriComponent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The console's HTML skeleton and small parts, server-rendered and readable without JavaScript (as
 * the job pages, docs/adr/0010-job-pages.md): every value from the record, the broker or the
 * request goes through the OWASP Java Encoder; the rest is constant text.
 */
final class ConsoleHtml {

  static final String BASE = "/console";

  private static final String[][] NAV = {
    {BASE, "Deliveries"},
    {BASE + "/dlq", "Parked messages"},
    {BASE + "/recoveries", "Recoveries"},
    {BASE + "/installations", "Installations"},
    {BASE + "/queues", "Queues"}
  };

  /**
   * Contrast: text #1b1b1b and links #0b4fa8 on white, muted text #4a4a4a (all above 7:1 or 4.5:1);
   * focus is a 3px outline. Below 40rem tables scroll sideways inside their region and the filter
   * form stacks.
   */
  private static final String CSS =
      "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;"
          + "line-height:1.4}"
          + "header{background:#24292f;color:#fff;padding:.5rem 1rem}"
          + "header a{color:#fff}header .who{float:right;font-size:.9rem}"
          + "nav ul{list-style:none;margin:.3rem 0 0;padding:0;display:flex;flex-wrap:wrap;"
          + "gap:.2rem 1rem}"
          + "nav a[aria-current]{font-weight:bold;text-decoration:underline 3px}"
          + "main{padding:0 1rem 2rem;max-width:90rem}"
          + "a{color:#0b4fa8}a:focus,button:focus,input:focus,select:focus{outline:3px solid"
          + " #c65d00;outline-offset:2px}"
          + ".scroll{overflow-x:auto}"
          + "table{border-collapse:collapse;margin:.5rem 0}caption{text-align:left;"
          + "font-weight:bold;padding:.3rem 0}"
          + "th,td{padding:.3rem .6rem;border:1px solid #c8c8c8;text-align:left;"
          + "vertical-align:top}th{background:#f0f0f0}td.num{text-align:right}"
          + "code{font-size:.9em;word-break:break-all}"
          + "form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}"
          + "form.filters label{display:flex;flex-direction:column;font-size:.9rem}"
          + "input,select,button{font:inherit;padding:.3rem;min-height:2.2rem}"
          + "button{background:#0b4fa8;color:#fff;border:0;border-radius:4px;padding:.3rem .9rem;"
          + "cursor:pointer}button.danger{background:#a4161a}"
          + "form.inline{display:inline}"
          + ".muted{color:#4a4a4a}.status{padding:.6rem;border-left:4px solid #0b4fa8;"
          + "background:#eef4fc}.status.bad{border-color:#a4161a;background:#fcefef}"
          + "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
          + "dd{margin:0}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;"
          + "white-space:pre-wrap;word-break:break-all}"
          + ".outcome-parked,.outcome-failed{color:#a4161a;font-weight:bold}"
          + ".outcome-published,.outcome-applied{color:#116329}"
          + "@media (max-width:40rem){header .who{float:none;display:block}"
          + "form.filters label{width:100%}"
          + "form.filters input,form.filters select{width:100%}"
          + "dl.facts{grid-template-columns:1fr}dt{font-weight:bold}}";

  private ConsoleHtml() {}

  static String page(String title, String current, String user, String body) {
    StringBuilder nav = new StringBuilder("<nav aria-label=\"Console\"><ul>");
    for (String[] item : NAV) {
      nav.append("<li><a href=\"")
          .append(item[0])
          .append('"')
          .append(item[0].equals(current) ? " aria-current=\"page\"" : "")
          .append('>')
          .append(item[1])
          .append("</a></li>");
    }
    nav.append("</ul></nav>");
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
        + forHtml(title)
        + " · Solstice CI console</title><style>"
        + CSS
        + "</style></head>\n<body>\n<header>"
        + (user == null ? "" : "<span class=\"who\">Signed in as " + forHtml(user) + "</span>")
        + "<strong>Solstice CI console</strong>"
        + nav
        + "</header>\n<main>\n<h1>"
        + forHtml(title)
        + "</h1>\n"
        + body
        + "\n</main></body></html>\n";
  }

  /** A POST form with its CSRF field and one button. */
  static String postButton(
      String action,
      String csrfField,
      String csrfToken,
      String hidden,
      String label,
      boolean danger) {
    return postButton(action, csrfField, csrfToken, hidden, label, null, danger);
  }

  /**
   * @param accessibleName what a screen reader says for the button (e.g. "Replay <id>"); null for
   *     its label
   */
  static String postButton(
      String action,
      String csrfField,
      String csrfToken,
      String hidden,
      String label,
      String accessibleName,
      boolean danger) {
    return "<form class=\"inline\" method=\"post\" action=\""
        + forHtmlAttribute(action)
        + "\"><input type=\"hidden\" name=\""
        + forHtmlAttribute(csrfField)
        + "\" value=\""
        + forHtmlAttribute(csrfToken)
        + "\">"
        + hidden
        + "<button type=\"submit\""
        + (danger ? " class=\"danger\"" : "")
        + (accessibleName == null ? "" : " aria-label=\"" + forHtmlAttribute(accessibleName) + "\"")
        + ">"
        + forHtml(label)
        + "</button></form>";
  }

  static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\""
        + forHtmlAttribute(name)
        + "\" value=\""
        + forHtmlAttribute(value)
        + "\">";
  }

  static String status(String message, boolean bad) {
    return "<p class=\"status"
        + (bad ? " bad" : "")
        + "\" role=\"status\">"
        + forHtml(message)
        + "</p>\n";
  }

  static String link(String href, String text) {
    return "<a href=\"" + forHtmlAttribute(href) + "\">" + forHtml(text) + "</a>";
  }

  static String deliveryLink(String deliveryId) {
    return link(BASE + "/deliveries/" + forUriComponent(deliveryId), deliveryId);
  }

  static String time(Instant at) {
    return at == null
        ? "–"
        : "<time datetime=\""
            + at
            + "\">"
            + forHtml(at.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' '))
            + "</time>";
  }

  static String text(Object value) {
    return value == null ? "–" : forHtml(String.valueOf(value));
  }

  static String code(Object value) {
    return value == null ? "–" : "<code>" + forHtml(String.valueOf(value)) + "</code>";
  }

  /** A table's start: its caption and column headers. */
  static void tableStart(StringBuilder b, String caption, List<String> columns) {
    b.append("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"")
        .append(forHtmlAttribute(caption))
        .append("\"><table><caption>")
        .append(forHtml(caption))
        .append("</caption><thead><tr>");
    columns.forEach(c -> b.append("<th scope=\"col\">").append(forHtml(c)).append("</th>"));
    b.append("</tr></thead><tbody>\n");
  }

  static void tableEnd(StringBuilder b) {
    b.append("</tbody></table></div>\n");
  }

  static void fact(StringBuilder b, String name, String html) {
    b.append("<dt>").append(forHtml(name)).append("</dt><dd>").append(html).append("</dd>\n");
  }

  static String number(double value) {
    return Double.isNaN(value) ? "unknown" : String.valueOf((long) value);
  }
}
