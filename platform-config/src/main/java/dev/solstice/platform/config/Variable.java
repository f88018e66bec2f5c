package dev.solstice.platform.config;

/**
 * One environment variable of an executable, as {@code --help} and the configuration docs show it.
 *
 * @param name the variable, e.g. {@code HTTP_ADDR}
 * @param defaultValue the default as text: a value, "required", "none", ...
 * @param description what it does, one line
 * @param secret whether its value must never be printed
 */
public record Variable(String name, String defaultValue, String description, boolean secret) {

  public static Variable of(String name, String defaultValue, String description) {
    return new Variable(name, defaultValue, description, false);
  }

  public static Variable secret(String name, String defaultValue, String description) {
    return new Variable(name, defaultValue, description, true);
  }
}
