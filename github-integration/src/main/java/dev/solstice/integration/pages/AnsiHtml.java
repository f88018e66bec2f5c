package dev.solstice.integration.pages;

import static org.owasp.encoder.Encode.forHtml;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A log's lines as HTML: SGR colour and bold sequences ({@code ESC[31m}, {@code ESC[1;92m}, {@code
 * ESC[0m}) become {@code <span class="ansi-fg-1 ansi-bold">}; other escape sequences are dropped;
 * every character of the text goes through the OWASP encoder. A colour carries over line ends, as
 * in a terminal, so each line opens and closes its own spans.
 */
final class AnsiHtml {

  // CSI sequences (ESC [ params final-byte) and two-character escapes.
  private static final Pattern ESCAPE =
      Pattern.compile("\u001b(?:\\[([0-9;?]*)([@-~])|[@-Z\\\\-_])");

  private Integer foreground;
  private Integer background;
  private boolean bold;

  private AnsiHtml() {}

  /** Each line of {@code log} rendered; a final line break does not make an empty last line. */
  static List<String> lines(String log) {
    AnsiHtml state = new AnsiHtml();
    String[] raw = log.replace("\r\n", "\n").split("\n", -1);
    int count = raw.length > 0 && raw[raw.length - 1].isEmpty() ? raw.length - 1 : raw.length;
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(state.line(raw[i]));
    }
    return out;
  }

  /**
   * A renderer that carries the colour state from one {@link #line} to the next: a log read in
   * pieces renders as the whole would.
   */
  static AnsiHtml renderer() {
    return new AnsiHtml();
  }

  /** One line (without its line break) as HTML, in the state the previous lines left. */
  String line(String text) {
    StringBuilder html = new StringBuilder();
    open(html);
    Matcher m = ESCAPE.matcher(text);
    int at = 0;
    while (m.find()) {
      html.append(forHtml(text.substring(at, m.start())));
      at = m.end();
      if ("m".equals(m.group(2))) {
        close(html);
        apply(m.group(1));
        open(html);
      }
    }
    html.append(forHtml(text.substring(at)));
    close(html);
    return html.toString().replace("<span class=\"\"></span>", "");
  }

  private void apply(String params) {
    String[] codes = params.isEmpty() ? new String[] {"0"} : params.split(";", -1);
    for (String c : codes) {
      int code;
      try {
        code = c.isEmpty() ? 0 : Integer.parseInt(c);
      } catch (NumberFormatException e) {
        continue;
      }
      if (code == 0) {
        foreground = null;
        background = null;
        bold = false;
      } else if (code == 1) {
        bold = true;
      } else if (code == 22) {
        bold = false;
      } else if (code >= 30 && code <= 37) {
        foreground = code - 30;
      } else if (code >= 90 && code <= 97) {
        foreground = code - 90 + 8;
      } else if (code == 39) {
        foreground = null;
      } else if (code >= 40 && code <= 47) {
        background = code - 40;
      } else if (code >= 100 && code <= 107) {
        background = code - 100 + 8;
      } else if (code == 49) {
        background = null;
      }
    }
  }

  private boolean styled() {
    return foreground != null || background != null || bold;
  }

  private void open(StringBuilder html) {
    if (!styled()) {
      return;
    }
    List<String> classes = new ArrayList<>();
    if (foreground != null) {
      classes.add("ansi-fg-" + foreground);
    }
    if (background != null) {
      classes.add("ansi-bg-" + background);
    }
    if (bold) {
      classes.add("ansi-bold");
    }
    html.append("<span class=\"").append(String.join(" ", classes)).append("\">");
  }

  private void close(StringBuilder html) {
    if (styled()) {
      html.append("</span>");
    }
  }
}
