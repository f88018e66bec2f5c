package dev.solstice.integration.config;

import dev.solstice.platform.config.HelpOption;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The service's command-line flags; they override the environment variables of the same meaning.
 */
@Command(name = "github-integration")
public final class Flags {

  @Option(names = "--http-addr", paramLabel = "HOST:PORT")
  String httpAddr;

  @Option(names = "--webhook-path", paramLabel = "PATH")
  String webhookPath;

  @Mixin HelpOption help;

  Flags() {}

  /** Whether {@code --help} or {@code -h} was given. */
  public boolean help() {
    return help.requested();
  }

  /**
   * Parses {@code args}; each problem (unknown option, missing value) is added to {@code errors},
   * naming the flag, as configuration problems are.
   */
  public static Flags parse(List<String> args, List<String> errors) {
    Flags flags = new Flags();
    CommandLine cli = new CommandLine(flags).setExpandAtFiles(false);
    // Every problem, not only the first: they join the configuration's own problems.
    cli.getCommandSpec().parser().collectErrors(true);
    for (Exception e : cli.parseArgs(args.toArray(String[]::new)).errors()) {
      if (e instanceof UnmatchedArgumentException u) {
        u.getUnmatched().forEach(arg -> errors.add(arg + ": unknown option (see --help)"));
      } else if (e instanceof MissingParameterException m
          && !m.getMissing().isEmpty()
          && m.getMissing().get(0) instanceof OptionSpec option) {
        errors.add(option.longestName() + ": needs a value");
      } else {
        errors.add(e.getMessage() + " (see --help)");
      }
    }
    return flags;
  }
}
