package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of a test class (logback {@link ListAppender} on the root logger, the
 * client's loggers at DEBUG) and, after the class, asserts that no registered secret (minted token,
 * JWT, PEM line, static token, cache key) appears in any message, argument or stack trace.
 *
 * <p>Register as a static field with {@code @RegisterExtension} and feed it secrets with {@link
 * #secret}.
 */
public final class CapturedLogs implements BeforeAllCallback, AfterAllCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private Level previousLevel;

  public void secret(String s) {
    if (s != null && s.length() >= 8) {
      secrets.add(s);
    }
  }

  /** Registers the base64 body lines of a PEM (any of them in a log would be a leak). */
  public void pem(String pem) {
    for (String line : pem.split("\n")) {
      if (!line.startsWith("-----") && line.length() >= 16) {
        secrets.add(line.trim());
      }
    }
  }

  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      StringBuilder sb =
          new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
      if (e.getArgumentArray() != null) {
        for (Object a : e.getArgumentArray()) {
          sb.append(' ').append(a);
        }
      }
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        sb.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        for (StackTraceElementProxy s : t.getStackTraceElementProxyArray()) {
          sb.append(' ').append(s.getSTEAsString());
        }
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger ours = (Logger) LoggerFactory.getLogger("dev.solstice");
    previousLevel = ours.getLevel();
    ours.setLevel(Level.DEBUG);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    ((Logger) LoggerFactory.getLogger("dev.solstice")).setLevel(previousLevel);
    List<String> lines = lines();
    // The capture must have seen the client at work, or the assertion below proves nothing.
    assertThat(lines).as("captured log lines").isNotEmpty();
    assertThat(secrets).as("secrets registered by the tests").isNotEmpty();
    for (String line : lines) {
      for (String s : secrets) {
        assertThat(line).as("log line must not contain a secret").doesNotContain(s);
      }
    }
  }
}
