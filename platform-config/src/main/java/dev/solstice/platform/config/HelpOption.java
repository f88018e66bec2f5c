package dev.solstice.platform.config;

import picocli.CommandLine.Option;

/**
 * The {@code -h} / {@code --help} flag every executable takes, added to a picocli command with
 * {@code @Mixin}. Each executable prints its own usage text.
 */
public final class HelpOption {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true)
  boolean requested;

  /** Whether {@code -h} or {@code --help} was given. */
  public boolean requested() {
    return requested;
  }
}
