package dev.solstice.integration.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code deploy/rabbitmq/definitions*.json} and the topology the service declares must be the same:
 * an operator who loads the file before the first start, and then starts the service, must get a
 * service that becomes ready (RabbitMQ refuses a redeclaration with other arguments with
 * PRECONDITION_FAILED). (a) compares the files with the declarations built from the code's
 * defaults, line by line so a failure shows which exchange, queue or binding differs; (b) loads the
 * file into the real broker under unique names and starts the service against it.
 */
class DefinitionsMatchServiceIT extends VertxPerClass {

  private static final String CLASSIC = "definitions.json";
  private static final String QUORUM = "definitions.quorum.json";
  private static final Pattern DELAY_QUEUE = Pattern.compile("(.+)(\\.retry\\.\\d+ms)");

  private static final ObjectMapper JSON = new ObjectMapper();

  // ---------------------------------------------------------------- (a) the file equals the code

  @ParameterizedTest
  @ValueSource(strings = {CLASSIC, QUORUM})
  void fileDeclaresExactlyWhatTheServiceDeclares(String file) throws Exception {
    boolean quorum = file.equals(QUORUM);
    JsonNode defs = read(file);
    AppConfig config = defaultConfig(quorum);
    Expected expected = expectedFrom(config);

    assertThat(defs.path("vhosts").findValuesAsText("name"))
        .as(file + ": vhosts")
        .containsExactly("/");
    assertThat(exchangeLines(defs))
        .as(file + ": exchanges (file vs code)")
        .containsExactlyInAnyOrderElementsOf(expected.exchanges);
    assertThat(queueLines(defs))
        .as(file + ": queues (file vs code)")
        .containsExactlyInAnyOrderElementsOf(expected.queues);
    assertThat(bindingLines(defs))
        .as(file + ": bindings (file vs code)")
        .containsExactlyInAnyOrderElementsOf(expected.bindings);
    assertThat(defs.has("users") || defs.has("permissions"))
        .as(file + ": no users or passwords in the file")
        .isFalse();

    JsonNode policies = defs.path("policies");
    if (!quorum) {
      assertThat(policies).as(file + ": classic file sets no policy").isEmpty();
      return;
    }
    // Quorum queues honour delivery-limit (classic ones ignore it): exactly the three work queues
    // get it,
    // so a message that keeps crashing consumers is dead-lettered instead of redelivered forever.
    assertThat(policies).as(file + ": one delivery-limit policy").hasSize(1);
    JsonNode policy = policies.get(0);
    assertThat(policy.path("vhost").asText()).isEqualTo("/");
    assertThat(policy.path("apply-to").asText()).isEqualTo("queues");
    assertThat(policy.path("definition").path("delivery-limit").isInt())
        .as("delivery-limit is an integer")
        .isTrue();
    assertThat(policy.path("definition").path("delivery-limit").asInt()).isBetween(1, 1000);
    assertThat(fieldNames(policy.path("definition"))).containsExactly("delivery-limit");
    Pattern pattern = Pattern.compile(policy.path("pattern").asText());
    List<String> matched = new ArrayList<>();
    for (JsonNode q : defs.path("queues")) {
      if (pattern.matcher(q.path("name").asText()).find()) {
        matched.add(q.path("name").asText());
      }
    }
    assertThat(matched)
        .as(file + ": queues the delivery-limit policy applies to")
        .containsExactlyInAnyOrder(
            config.jobs().queue(), config.results().queue(), config.intake().queue());
  }

  // ------------------------------------------- (b) the file loaded into the broker, then the
  // service

  @ParameterizedTest
  @ValueSource(strings = {CLASSIC, QUORUM})
  void serviceStartsAndBecomesReadyOnABrokerLoadedFromTheFile(String file) throws Exception {
    boolean quorum = file.equals(QUORUM);
    JsonNode defs = read(file);

    // The harness's own naming rule: every name + the same suffix (taken from isolatedEnv, not
    // copied).
    Map<String, String> env = new HashMap<>(ServiceHarness.isolatedEnv(Map.of()));
    String suffix = env.get("AMQP_EXCHANGE").substring(QueueTopology.JOBS.exchange().length());
    assertThat(suffix).startsWith(".t-");
    env.remove("INTAKE_RETRY_DELAYS"); // the file carries the default delays
    env.remove("INTAKE_MAX_ATTEMPTS");
    env.put("AMQP_QUORUM", Boolean.toString(quorum));

    try (TestBroker broker = new TestBroker();
        Connection connection = connect()) {
      Set<String> queues = new LinkedHashSet<>();
      Set<String> exchanges = new LinkedHashSet<>();
      // Tracked before declaring anything, so a failure half-way still cleans up.
      for (JsonNode x : defs.path("exchanges")) {
        exchanges.add(rename(x.path("name").asText(), suffix));
      }
      for (JsonNode q : defs.path("queues")) {
        queues.add(rename(q.path("name").asText(), suffix));
      }
      for (QueueTopology t : List.of(QueueTopology.JOBS, QueueTopology.RESULTS, AppConfig.INTAKE)) {
        broker.track(t.isolated(suffix)); // the flows' exchanges and queues
      }
      queues.forEach(broker::trackQueue); // and the delay queues (and anything else the file has)
      try {
        load(connection, defs, suffix);
        startServiceAndCheck(env, suffix, quorum, file, connection, queues, exchanges);
      } finally {
        for (String x :
            exchanges) { // an exchange the file has beyond the flows' (the broker deletes the rest)
          try (Channel ch = connection.createChannel()) {
            ch.exchangeDelete(x);
          } catch (Exception ignored) {
            // already gone
          }
        }
      }
    }
  }

  private static void startServiceAndCheck(
      Map<String, String> env,
      String suffix,
      boolean quorum,
      String file,
      Connection connection,
      Set<String> queues,
      Set<String> exchanges)
      throws Exception {
    ServiceHarness started;
    try {
      started = ServiceHarness.start(vertx, env);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "the service did not become ready on a broker loaded from "
              + file
              + ": RabbitMQ refused a redeclaration (PRECONDITION_FAILED, see the ERROR lines of the service"
              + " above), so an exchange or queue in the file has other arguments than the service declares;"
              + " fileDeclaresExactlyWhatTheServiceDeclares shows which",
          e);
    }
    try (ServiceHarness harness = started) {
      AppConfig config = harness.config();
      // The env names the same objects the renamed file declared.
      assertThat(config.jobs()).isEqualTo(QueueTopology.JOBS.withQuorum(quorum).isolated(suffix));
      assertThat(config.results())
          .isEqualTo(QueueTopology.RESULTS.withQuorum(quorum).isolated(suffix));
      assertThat(config.intake()).isEqualTo(AppConfig.INTAKE.withQuorum(quorum).isolated(suffix));
      assertThat(harness.service().isReady()).as("service ready against " + file).isTrue();

      Set<String> declaredByCode = new LinkedHashSet<>();
      for (QueueTopology t :
          List.of(
              config.jobs(),
              config.results(),
              config.intake(),
              QueueTopology.cancelsOf(config.jobs()))) {
        declaredByCode.add(t.queue());
        declaredByCode.add(t.deadLetterQueue());
      }
      for (Duration d : config.retryDelays()) {
        declaredByCode.add(Topology.delayQueueName(config.intake(), d));
      }
      for (Duration d : config.resultsRetryDelays()) {
        declaredByCode.add(Topology.delayQueueName(config.results(), d));
      }
      assertThat(queues)
          .as("suffixed queues of " + file)
          .containsExactlyInAnyOrderElementsOf(declaredByCode);

      // Every object still exists (the service neither deleted nor failed to redeclare them) ...
      for (String q : queues) {
        try (Channel ch = connection.createChannel()) {
          ch.queueDeclarePassive(q);
        }
      }
      for (String x : exchanges) {
        try (Channel ch = connection.createChannel()) {
          ch.exchangeDeclarePassive(x);
        }
      }
      // ... and the code's own declarations are accepted on top of the file's, including the
      // results
      // delay queues, which the running service may not declare yet (a channel error would throw).
      try (Channel ch = connection.createChannel()) {
        for (QueueTopology t :
            List.of(
                config.jobs(),
                config.results(),
                config.intake(),
                QueueTopology.cancelsOf(config.jobs()))) {
          Topology.declare(ch, t);
        }
        for (Duration d : config.retryDelays()) {
          Topology.declareDelay(ch, config.intake(), d);
        }
        for (Duration d : config.resultsRetryDelays()) {
          Topology.declareDelay(ch, config.results(), d);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  /** What the service declares with default settings: its own config and Topology's arguments. */
  private static AppConfig defaultConfig(boolean quorum) {
    return AppConfig.fromEnv(
        Map.of("ALLOW_UNSIGNED_WEBHOOKS", "true", "AMQP_QUORUM", Boolean.toString(quorum)),
        List.of());
  }

  private record Expected(Set<String> exchanges, Set<String> queues, Set<String> bindings) {}

  private static Expected expectedFrom(AppConfig config) {
    Set<String> exchanges = new LinkedHashSet<>();
    Set<String> queues = new LinkedHashSet<>();
    Set<String> bindings = new LinkedHashSet<>();
    for (QueueTopology t :
        List.of(
            config.jobs(),
            config.results(),
            config.intake(),
            QueueTopology.cancelsOf(config.jobs()))) {
      exchanges.add(exchangeLine(t.exchange(), "direct", true, false, false, Map.of()));
      exchanges.add(exchangeLine(t.deadLetterExchange(), "direct", true, false, false, Map.of()));
      queues.add(queueLine(t.queue(), true, false, t.queueArguments()));
      queues.add(queueLine(t.deadLetterQueue(), true, false, t.deadLetterQueueArguments()));
      bindings.add(bindingLine(t.exchange(), t.queue(), "queue", t.routingKey(), Map.of()));
      bindings.add(
          bindingLine(
              t.deadLetterExchange(), t.deadLetterQueue(), "queue", t.routingKey(), Map.of()));
    }
    // Delay queues of the intake flow (declared by the intake consumer) and of the results flow
    // (same rule).
    for (Duration d : config.retryDelays()) {
      queues.add(
          queueLine(
              Topology.delayQueueName(config.intake(), d),
              true,
              false,
              Topology.delayArguments(config.intake(), d)));
    }
    for (Duration d : config.resultsRetryDelays()) {
      queues.add(
          queueLine(
              Topology.delayQueueName(config.results(), d),
              true,
              false,
              Topology.delayArguments(config.results(), d)));
    }
    return new Expected(exchanges, queues, bindings);
  }

  private static List<String> exchangeLines(JsonNode defs) {
    List<String> out = new ArrayList<>();
    for (JsonNode x : defs.path("exchanges")) {
      assertThat(x.path("vhost").asText()).as("vhost of exchange " + x.path("name")).isEqualTo("/");
      out.add(
          exchangeLine(
              x.path("name").asText(),
              x.path("type").asText(),
              x.path("durable").asBoolean(),
              x.path("auto_delete").asBoolean(),
              x.path("internal").asBoolean(),
              toMap(x.path("arguments"))));
    }
    return out;
  }

  private static List<String> queueLines(JsonNode defs) {
    List<String> out = new ArrayList<>();
    for (JsonNode q : defs.path("queues")) {
      assertThat(q.path("vhost").asText()).as("vhost of queue " + q.path("name")).isEqualTo("/");
      out.add(
          queueLine(
              q.path("name").asText(),
              q.path("durable").asBoolean(),
              q.path("auto_delete").asBoolean(),
              toMap(q.path("arguments"))));
    }
    return out;
  }

  private static List<String> bindingLines(JsonNode defs) {
    List<String> out = new ArrayList<>();
    for (JsonNode b : defs.path("bindings")) {
      assertThat(b.path("vhost").asText()).as("vhost of binding " + b).isEqualTo("/");
      out.add(
          bindingLine(
              b.path("source").asText(),
              b.path("destination").asText(),
              b.path("destination_type").asText(),
              b.path("routing_key").asText(),
              toMap(b.path("arguments"))));
    }
    return out;
  }

  private static String exchangeLine(
      String name,
      String type,
      boolean durable,
      boolean autoDelete,
      boolean internal,
      Map<String, ?> args) {
    return "exchange "
        + name
        + " type="
        + type
        + " durable="
        + durable
        + " auto_delete="
        + autoDelete
        + " internal="
        + internal
        + " arguments="
        + canonical(args);
  }

  private static String queueLine(
      String name, boolean durable, boolean autoDelete, Map<String, ?> args) {
    return "queue "
        + name
        + " durable="
        + durable
        + " auto_delete="
        + autoDelete
        + " arguments="
        + canonical(args);
  }

  private static String bindingLine(
      String source, String destination, String type, String key, Map<String, ?> args) {
    return "binding "
        + source
        + " -> "
        + type
        + " "
        + destination
        + " key="
        + key
        + " arguments="
        + canonical(args);
  }

  /**
   * Sorted, with every integral number as a long: the broker compares 5000 (JSON) and 5000L (code)
   * as equal.
   */
  private static String canonical(Map<String, ?> args) {
    Map<String, Object> sorted = new TreeMap<>();
    args.forEach(
        (k, v) ->
            sorted.put(
                k,
                v instanceof Number n && !(v instanceof Double || v instanceof Float)
                    ? (Object) n.longValue()
                    : v));
    StringBuilder sb = new StringBuilder("{");
    sorted.forEach(
        (k, v) ->
            sb.append(sb.length() > 1 ? ", " : "")
                .append(k)
                .append('=')
                .append(
                    v instanceof String ? "\"" + v + "\"" : v + (v instanceof Long ? "L" : "")));
    return sb.append('}').toString();
  }

  private static Map<String, Object> toMap(JsonNode node) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return map;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      Object value;
      if (v.isIntegralNumber()) {
        value = v.asLong();
      } else if (v.isBoolean()) {
        value = v.asBoolean();
      } else if (v.isTextual()) {
        value = v.asText();
      } else {
        value = v.toString(); // a double or nested value: kept verbatim, so it shows in the diff
      }
      map.put(e.getKey(), value);
    }
    return map;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * The name an object gets in an isolated run: name + suffix, except delay queues, whose name is
   * derived from the (suffixed) work queue: {@code <queue+suffix>.retry.<ms>ms}.
   */
  private static final Pattern CANCEL_QUEUE = Pattern.compile("(.+)(\\.cancel(?:\\.dlq)?)");

  static String rename(String name, String suffix) {
    Matcher m = DELAY_QUEUE.matcher(name);
    if (m.matches()) {
      return m.group(1) + suffix + m.group(2);
    }
    // The cancel flow's queues are named after the jobs queue: <jobs queue>.cancel(.dlq).
    Matcher c = CANCEL_QUEUE.matcher(name);
    return c.matches() ? c.group(1) + suffix + c.group(2) : name + suffix;
  }

  /**
   * Applies the file's exchanges, queues and bindings as an operator's import would, with renamed
   * names.
   */
  private static void load(Connection connection, JsonNode defs, String suffix) throws IOException {
    try (Channel ch = connection.createChannel()) {
      for (JsonNode x : defs.path("exchanges")) {
        ch.exchangeDeclare(
            rename(x.path("name").asText(), suffix),
            BuiltinExchangeType.valueOf(x.path("type").asText().toUpperCase(java.util.Locale.ROOT)),
            x.path("durable").asBoolean(),
            x.path("auto_delete").asBoolean(),
            x.path("internal").asBoolean(),
            amqpArguments(x.path("arguments"), suffix));
      }
      for (JsonNode q : defs.path("queues")) {
        ch.queueDeclare(
            rename(q.path("name").asText(), suffix),
            q.path("durable").asBoolean(),
            false,
            q.path("auto_delete").asBoolean(),
            amqpArguments(q.path("arguments"), suffix));
      }
      for (JsonNode b : defs.path("bindings")) {
        assertThat(b.path("destination_type").asText()).isEqualTo("queue");
        ch.queueBind(
            rename(b.path("destination").asText(), suffix),
            rename(b.path("source").asText(), suffix),
            b.path("routing_key").asText(),
            amqpArguments(b.path("arguments"), suffix));
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** The file's arguments as AMQP table values; an exchange named in an argument is renamed too. */
  private static Map<String, Object> amqpArguments(JsonNode node, String suffix) {
    Map<String, Object> args = toMap(node);
    args.computeIfPresent("x-dead-letter-exchange", (k, v) -> rename((String) v, suffix));
    return args;
  }

  private static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestBroker.URL);
    return factory.newConnection("solstice-definitions-test");
  }

  private static JsonNode read(String file) throws IOException {
    return JSON.readTree(Files.readString(definitionsDir().resolve(file)));
  }

  /**
   * {@code deploy/rabbitmq} of the checkout: from {@code solstice.root}, else walking up from here.
   */
  private static Path definitionsDir() {
    String root = System.getProperty("solstice.root");
    if (root != null && !root.isBlank() && Files.isDirectory(Path.of(root, "deploy", "rabbitmq"))) {
      return Path.of(root, "deploy", "rabbitmq");
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/rabbitmq"))) {
        return p.resolve("deploy/rabbitmq");
      }
    }
    throw new IllegalStateException(
        "deploy/rabbitmq not found above "
            + Path.of("").toAbsolutePath()
            + "; set -Dsolstice.root");
  }
}
