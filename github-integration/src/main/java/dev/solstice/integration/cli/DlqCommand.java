package dev.solstice.integration.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.BrokerAddresses;
import dev.solstice.platform.amqp.TopologyEnv;
import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.HelpOption;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code java -jar github-integration.jar dlq list|replay|drop ...}: look at the messages parked in
 * a flow's dead-letter queue, send chosen ones back to their work queue, or delete them. Reads the
 * same variables as the service ({@code AMQP_URL}, {@code AMQP_INTAKE_*}, {@code AMQP_RESULTS_*},
 * {@code AMQP_QUEUE}/{@code AMQP_DLQ}/...); needs no webhook secret and no GitHub App.
 *
 * <p>Messages are read with {@code basic.get} without ack; those not replayed or dropped go back to
 * the DLQ (in place) when the command's channel closes, so {@code list} changes nothing.
 */
public final class DlqCommand {

  static final String USAGE =
      """
      usage: java -jar github-integration.jar dlq <command> [options]

        list    [--flow intake|results|jobs] [--limit N]        show parked messages (nothing is removed)
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
      subcommands = {ListCommand.class, ReplayCommand.class, DropCommand.class})
  static final class Root {
    @Mixin HelpOption help;
  }

  /** A command: list, replay or drop. */
  abstract static class Subcommand {
    @Mixin Options options;
  }

  @Command(name = "list")
  static final class ListCommand extends Subcommand {}

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
    if (command.equals("drop") && ids.isEmpty()) {
      err.println("drop: name messages with --id");
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
        return switch (command) {
          case "list" -> list(connection, topology, limit, out);
          case "replay" -> replay(connection, topology, ids, all, limit, out, err);
          default -> drop(connection, topology, ids, limit, out);
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

  private static int list(Connection connection, QueueTopology t, int limit, PrintStream out)
      throws Exception {
    try (Channel ch = connection.createChannel()) {
      long total = ch.messageCount(t.deadLetterQueue());
      out.println(
          total
              + " parked in "
              + t.deadLetterQueue()
              + (total > limit ? " (showing " + limit + ")" : ""));
      out.println("message_id\tdelivery_id\ttype\tattempts\treceived_at\treason");
      for (int n = 0; n < limit; n++) {
        GetResponse r = ch.basicGet(t.deadLetterQueue(), false);
        if (r == null) {
          break;
        }
        out.println(describe(r));
      }
      // No ack: closing the channel puts every message back.
    }
    return 0;
  }

  private static int replay(
      Connection connection,
      QueueTopology t,
      Set<String> ids,
      boolean all,
      int limit,
      PrintStream out,
      PrintStream err)
      throws Exception {
    int replayed = 0;
    Set<String> found = new LinkedHashSet<>();
    try (Channel ch = connection.createChannel()) {
      ch.confirmSelect();
      List<String> unroutable = new ArrayList<>();
      ch.addReturnListener(r -> unroutable.add(r.getProperties().getMessageId()));
      for (GetResponse r : take(ch, t, ids, all, limit, found)) {
        ch.basicPublish(t.exchange(), t.routingKey(), true, fresh(r.getProps()), r.getBody());
        ch.waitForConfirmsOrDie(10_000);
        if (!unroutable.isEmpty()) {
          err.println(
              "replay: "
                  + t.exchange()
                  + "/"
                  + t.routingKey()
                  + " routes to no queue; "
                  + unroutable
                  + " left in "
                  + t.deadLetterQueue());
          return 1;
        }
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        replayed++;
        out.println("replayed " + describe(r));
      }
    }
    out.println(replayed + " replayed to " + t.queue());
    return reportMissing(ids, found, err);
  }

  private static int drop(
      Connection connection, QueueTopology t, Set<String> ids, int limit, PrintStream out)
      throws Exception {
    int dropped = 0;
    Set<String> found = new LinkedHashSet<>();
    try (Channel ch = connection.createChannel()) {
      for (GetResponse r : take(ch, t, ids, false, limit, found)) {
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        dropped++;
        out.println("dropped " + describe(r));
      }
    }
    out.println(dropped + " dropped from " + t.deadLetterQueue());
    return reportMissing(ids, found, System.err);
  }

  /**
   * Gets up to {@code limit} messages of the DLQ without acking them and returns those named by
   * {@code ids} (every one when {@code all}), adding the ids it met to {@code found}. What the
   * caller does not ack goes back to the DLQ when the channel closes.
   */
  private static List<GetResponse> take(
      Channel ch, QueueTopology t, Set<String> ids, boolean all, int limit, Set<String> found)
      throws java.io.IOException {
    List<GetResponse> taken = new ArrayList<>();
    long total = Math.min(limit, ch.messageCount(t.deadLetterQueue()));
    for (long n = 0; n < total; n++) {
      GetResponse r = ch.basicGet(t.deadLetterQueue(), false);
      if (r == null) {
        break;
      }
      String match = matches(r, ids);
      if (match != null) {
        found.add(match);
      }
      if (all || match != null) {
        taken.add(r);
      }
    }
    return taken;
  }

  private static int reportMissing(Set<String> ids, Set<String> found, PrintStream err) {
    Set<String> missing = new LinkedHashSet<>(ids);
    missing.removeAll(found);
    if (!missing.isEmpty()) {
      err.println("not found in the dead-letter queue: " + String.join(", ", missing));
      return 1;
    }
    return 0;
  }

  private static String matches(GetResponse r, Set<String> ids) {
    String messageId = r.getProps().getMessageId();
    if (messageId != null && ids.contains(messageId)) {
      return messageId;
    }
    String delivery = header(r.getProps(), MessageProperties.DELIVERY_ID_HEADER);
    return delivery != null && ids.contains(delivery) ? delivery : null;
  }

  /** The same message, starting over: attempt 1, no reason, no broker death records. */
  static AMQP.BasicProperties fresh(AMQP.BasicProperties props) {
    Map<String, Object> headers =
        props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
    Object reason = headers.remove(MessageProperties.PARK_REASON_HEADER);
    headers.remove("x-death");
    headers.remove("x-first-death-exchange");
    headers.remove("x-first-death-queue");
    headers.remove("x-first-death-reason");
    headers.remove("x-last-death-exchange");
    headers.remove("x-last-death-queue");
    headers.remove("x-last-death-reason");
    headers.put(MessageProperties.ATTEMPTS_HEADER, 1);
    headers.put("x-solstice-replayed-at", Instant.now().toString());
    if (reason != null) {
      headers.put("x-solstice-replayed-after", reason.toString());
    }
    return props.builder().headers(headers).deliveryMode(MessageProperties.PERSISTENT).build();
  }

  static String describe(GetResponse r) {
    AMQP.BasicProperties p = r.getProps();
    String reason = header(p, MessageProperties.PARK_REASON_HEADER);
    if (reason == null) {
      reason = deathReason(p);
    }
    String parkedAt = p.getTimestamp() == null ? "-" : p.getTimestamp().toInstant().toString();
    return String.join(
        "\t",
        String.valueOf(p.getMessageId()),
        String.valueOf(header(p, MessageProperties.DELIVERY_ID_HEADER)),
        String.valueOf(p.getType()),
        String.valueOf(header(p, MessageProperties.ATTEMPTS_HEADER)),
        parkedAt,
        reason == null
            ? "-"
            // Issue 13: a reason quoting a JobRequest must not show its job token.
            : dev.solstice.integration.jobtoken.JobTokens.redact(reason)
                .replace('\n', ' ')
                .replace('\t', ' '));
  }

  private static String deathReason(AMQP.BasicProperties p) {
    Object deaths = p.getHeaders() == null ? null : p.getHeaders().get("x-death");
    if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> d) {
      return "broker: " + d.get("reason") + " from " + d.get("queue");
    }
    return null;
  }

  private static String header(AMQP.BasicProperties p, String name) {
    Object v = p.getHeaders() == null ? null : p.getHeaders().get(name);
    if (v == null) {
      return null;
    }
    return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
  }
}
