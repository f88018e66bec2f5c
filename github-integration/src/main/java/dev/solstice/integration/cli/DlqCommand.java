package dev.solstice.integration.cli;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.amqp.DeadLetters;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.BrokerAddresses;
import dev.solstice.platform.amqp.TopologyEnv;
import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.HelpOption;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code java -jar github-integration.jar dlq list|inspect|replay|drop ...}: look at the messages
 * parked in a flow's dead-letter queue, send chosen ones back to their work queue, or delete them.
 * Reads the same variables as the service ({@code AMQP_URL}, {@code AMQP_INTAKE_*}, {@code
 * AMQP_RESULTS_*}, {@code AMQP_QUEUE}/{@code AMQP_DLQ}/...); needs no webhook secret and no GitHub
 * App.
 *
 * <p>The operations themselves are {@link DeadLetters}, which the operator console calls too.
 */
public final class DlqCommand {

  static final String USAGE =
      """
      usage: java -jar github-integration.jar dlq <command> [options]

        list    [--flow intake|results|jobs] [--limit N]        show parked messages (nothing is removed)
        inspect [--flow ...] --id ID ...                        show a parked message's headers and body
        replay  [--flow ...] (--id ID ... | --all) [--limit N]  send parked messages back to the work queue
        drop    [--flow ...] --id ID ...                        delete parked messages for good

        --flow   which flow's dead-letter queue [intake]: intake = webhook deliveries, results = JobResults,
                 jobs = JobRequests rejected by an orchestrator
        --id     a message id or X-GitHub-Delivery id (repeat, or comma-separate)
        --all    every message parked now (at most --limit)
        --limit  most messages to look at [1000]

      The broker and queue names come from the service's variables: AMQP_URL, AMQP_INTAKE_EXCHANGE,
      AMQP_INTAKE_QUEUE, AMQP_INTAKE_DLQ, AMQP_RESULTS_*, AMQP_EXCHANGE, AMQP_QUEUE, AMQP_DLQ, AMQP_DLX.
      A replayed message starts again at attempt 1; a webhook delivery already processed is dropped by
      the delivery ledger, so replaying too much never duplicates work.
      """;

  private DlqCommand() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), System.out, System.err));
  }

  /** The options every command takes (each command uses those its usage names). */
  static final class Options {
    @Option(names = "--flow", paramLabel = "FLOW")
    String flow = "intake";

    @Option(names = "--id", paramLabel = "ID", split = ",")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all")
    boolean all;

    @Option(names = "--limit", paramLabel = "N")
    String limit = "1000";

    @Mixin HelpOption help;
  }

  @Command(
      name = "dlq",
      subcommands = {
        ListCommand.class,
        InspectCommand.class,
        ReplayCommand.class,
        DropCommand.class
      })
  static final class Root {
    @Mixin HelpOption help;
  }

  /** A command: list, inspect, replay or drop. */
  abstract static class Subcommand {
    @Mixin Options options;
  }

  @Command(name = "list")
  static final class ListCommand extends Subcommand {}

  @Command(name = "inspect")
  static final class InspectCommand extends Subcommand {}

  @Command(name = "replay")
  static final class ReplayCommand extends Subcommand {}

  @Command(name = "drop")
  static final class DropCommand extends Subcommand {}

  /** Runs a command; the exit status (0 ok, 1 failure, 2 usage). */
  public static int run(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    // An argument such as @name is a value, not a file of arguments to expand.
    CommandLine dlq = new CommandLine(new Root()).setExpandAtFiles(false);
    ParseResult parsed;
    try {
      parsed = dlq.parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      err.println(problem(dlq, e) + "\n" + USAGE);
      return 2;
    }
    if (!parsed.hasSubcommand()) {
      (parsed.isUsageHelpRequested() ? out : err).print(USAGE);
      return parsed.isUsageHelpRequested() ? 0 : 2;
    }
    ParseResult sub = parsed.subcommand();
    if (sub.isUsageHelpRequested()) {
      out.print(USAGE);
      return 0;
    }
    String command = sub.commandSpec().name();
    Options options = ((Subcommand) sub.commandSpec().userObject()).options;
    String flow = options.flow;
    boolean all = options.all;
    Set<String> ids = new LinkedHashSet<>();
    for (String id : options.ids) {
      if (!id.isBlank()) {
        ids.add(id.trim());
      }
    }
    int limit;
    try {
      limit = Integer.parseInt(options.limit);
    } catch (NumberFormatException e) {
      err.println("--limit: expected a number, got " + options.limit);
      return 2;
    }
    if (command.equals("replay") && ids.isEmpty() && !all) {
      err.println("replay: name messages with --id, or pass --all");
      return 2;
    }
    if ((command.equals("drop") || command.equals("inspect")) && ids.isEmpty()) {
      err.println(command + ": name messages with --id");
      return 2;
    }
    EnvReader in = new EnvReader(env);
    QueueTopology topology = topology(in, flow);
    var brokers = BrokerAddresses.read(in, "AMQP_URL", AppConfig.DEFAULT_AMQP_URL);
    if (topology == null) {
      err.println("--flow: expected intake, results or jobs, got " + flow);
      return 2;
    }
    if (!in.errors().isEmpty()) {
      in.errors().forEach(err::println);
      return 2;
    }
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(brokers.primary());
      factory.setConnectionTimeout(5000);
      try (Connection connection = factory.newConnection(brokers.addresses(), "solstice-dlq-cli")) {
        DeadLetters dlqOps = new DeadLetters(connection, topology);
        return switch (command) {
          case "list" -> list(dlqOps, limit, out);
          case "inspect" -> inspect(dlqOps, ids, limit, out, err);
          case "replay" -> replay(dlqOps, ids, all, limit, out, err);
          default -> drop(dlqOps, ids, limit, out, err);
        };
      }
    } catch (Exception e) {
      Throwable root = e;
      while (root.getMessage() == null && root.getCause() != null) {
        root = root.getCause();
      }
      err.println("dlq " + command + " failed: " + root + " (broker " + brokers.redacted() + ")");
      return 1;
    }
  }

  /**
   * The parse error as today's messages put it: an unknown command or option, or a value missing.
   */
  private static String problem(CommandLine root, ParameterException e) {
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      return u.getUnmatched().get(0)
          + (u.getCommandLine() == root ? ": unknown command" : ": unknown option");
    }
    if (e instanceof MissingParameterException m
        && !m.getMissing().isEmpty()
        && m.getMissing().get(0) instanceof OptionSpec option) {
      return option.longestName() + ": needs a value";
    }
    return e.getMessage();
  }

  static QueueTopology topology(EnvReader in, String flow) {
    QueueTopology jobs = TopologyEnv.jobs(in, false);
    return switch (flow == null ? "" : flow) {
      case "jobs" -> jobs;
      case "results" -> TopologyEnv.results(in, jobs.deadLetterExchange(), false);
      case "intake" ->
          new QueueTopology(
              in.string("AMQP_INTAKE_EXCHANGE", AppConfig.INTAKE.exchange()),
              AppConfig.INTAKE.routingKey(),
              in.string("AMQP_INTAKE_QUEUE", AppConfig.INTAKE.queue()),
              jobs.deadLetterExchange(),
              in.string("AMQP_INTAKE_DLQ", AppConfig.INTAKE.deadLetterQueue()),
              false);
      default -> null;
    };
  }

  private static int list(DeadLetters dlq, int limit, PrintStream out) throws Exception {
    DeadLetters.Listing listing = dlq.list(limit);
    long total = listing.total();
    out.println(
        total
            + " parked in "
            + dlq.topology().deadLetterQueue()
            + (total > limit ? " (showing " + limit + ")" : ""));
    out.println("message_id\tdelivery_id\ttype\tattempts\treceived_at\treason");
    listing.messages().forEach(m -> out.println(m.line()));
    return 0;
  }

  private static int inspect(
      DeadLetters dlq, Set<String> ids, int limit, PrintStream out, PrintStream err)
      throws Exception {
    Set<String> missing = new LinkedHashSet<>();
    for (String id : ids) {
      var found = dlq.inspect(id, limit);
      if (found.isEmpty()) {
        missing.add(id);
        continue;
      }
      out.println(found.get().parked().line());
      found.get().headers().forEach((k, v) -> out.println(k + ": " + v));
      out.println();
      out.println(found.get().body());
    }
    return reportMissing(missing, err);
  }

  private static int replay(
      DeadLetters dlq, Set<String> ids, boolean all, int limit, PrintStream out, PrintStream err)
      throws Exception {
    DeadLetters.Outcome outcome = dlq.replay(ids, all, limit);
    outcome.done().forEach(m -> out.println("replayed " + m.line()));
    if (outcome.unroutable() != null) {
      err.println("replay: " + outcome.unroutable());
      return 1;
    }
    out.println(outcome.done().size() + " replayed to " + dlq.topology().queue());
    return reportMissing(outcome.missing(), err);
  }

  private static int drop(
      DeadLetters dlq, Set<String> ids, int limit, PrintStream out, PrintStream err)
      throws Exception {
    DeadLetters.Outcome outcome = dlq.drop(ids, limit);
    outcome.done().forEach(m -> out.println("dropped " + m.line()));
    out.println(outcome.done().size() + " dropped from " + dlq.topology().deadLetterQueue());
    return reportMissing(outcome.missing(), err);
  }

  private static int reportMissing(Set<String> missing, PrintStream err) {
    if (!missing.isEmpty()) {
      err.println("not found in the dead-letter queue: " + String.join(", ", missing));
      return 1;
    }
    return 0;
  }

  /** A parked message as {@code list} prints it (tab-separated, job tokens redacted). */
  static String describe(GetResponse r) {
    return DeadLetters.describe(r).line();
  }
}
