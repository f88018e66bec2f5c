package dev.solstice.integration.config;

import dev.solstice.platform.config.InvalidConfigurationException;
import java.util.List;

/** The configuration cannot run the service; the message lists every problem, one per line. */
public final class ConfigException extends InvalidConfigurationException {

  public ConfigException(List<String> problems) {
    super(problems);
  }
}
