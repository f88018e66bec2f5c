package dev.solstice.integration.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The few command-line flags; they override the environment variables of the same meaning. */
final class Flags {

  static final Set<String> WITH_VALUE = Set.of("--http-addr", "--webhook-path");

  private Flags() {
  }

  static Map<String, String> parse(List<String> args, List<String> errors) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (name.equals("--help") || name.equals("-h")) {
        continue;
      }
      if (!WITH_VALUE.contains(name)) {
        errors.add(arg + ": unknown option (see --help)");
      } else if (arg.contains("=")) {
        flags.put(name, arg.substring(arg.indexOf('=') + 1));
      } else if (i + 1 < args.size()) {
        flags.put(name, args.get(++i));
      } else {
        errors.add(name + ": needs a value");
      }
    }
    return flags;
  }
}
