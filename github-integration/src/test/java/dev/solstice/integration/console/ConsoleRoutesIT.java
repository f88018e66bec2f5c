package dev.solstice.integration.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.execution.RunStore;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.ops.QueueDepthGauge;
import dev.solstice.integration.record.Migrations;
import dev.solstice.integration.record.RecordQueries;
import dev.solstice.integration.recovery.Redelivery;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.testing.TestDatabase;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.Topology;
import dev.solstice.simulator.github.GitHubSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's routes over HTTP against the machine's PostgreSQL and RabbitMQ (a database and a
 * flow of this class's own) and the GitHub simulator, behind a stand-in guard (admin by a header, a
 * fixed CSRF token): what an admin reads, what replay / drop / redeliver do and confirm, bad
 * filters as a 400 page, a non-admin's 404, a POST without the token refused and without effect.
 */
class ConsoleRoutesIT {

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private static final String CSRF = "csrf-" + UUID.randomUUID();
  private static final UUID JOB = UUID.randomUUID();
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private static Vertx vertx;
  private static TestDatabase db;
  private static TestBroker broker;
  private static QueueTopology intake;
  private static AmqpConnector connector;
  private static GitHubSimulator sim;
  private static WebClientGitHubClient github;
  private static RecordQueries record;
  private static HttpServer server;
  private static WebClient http;

  /** Admin when the request says so; CSRF checked against a fixed token on unsafe methods. */
  static final class TestGuard implements ConsoleGuard {
    @Override
    public Handler<RoutingContext> adminOnly() {
      return ctx -> {
        if ("admin".equals(ctx.request().getHeader("X-Test-User"))) {
          ctx.next();
        } else {
          ctx.response().setStatusCode(404).end("not found");
        }
      };
    }

    @Override
    public void protect(Router router, String path) {
      router
          .route(path)
          .handler(io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(8192))
          .handler(
              ctx -> {
                if (ctx.request().method().name().equals("GET")
                    || CSRF.equals(ctx.request().getFormAttribute("csrf"))) {
                  ctx.next();
                } else {
                  ctx.response().setStatusCode(403).end("csrf");
                }
              });
    }

    @Override
    public String csrfField() {
      return "csrf";
    }

    @Override
    public String csrfToken(RoutingContext ctx) {
      return CSRF;
    }

    @Override
    public String user(RoutingContext ctx) {
      return "octo-admin";
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.create();
    Migrations.migrate(db.url());
    db.execute(
        "INSERT INTO deliveries (delivery_id, event, action, installation_id, repository,"
            + " received_at, outcome, reason, attempts, request_ids) VALUES"
            + " ('d-ok', 'push', NULL, 7, 'octo/hello', ?, 'published', NULL, 1, ?::uuid[]),"
            + " ('d-parked', 'pull_request', 'opened', 7, 'octo/hello', ?, 'parked',"
            + "  'GitHub answered 502 <b>eight</b> times', 8, '{}')",
        Timestamp.from(T0),
        "{" + JOB + "}",
        Timestamp.from(T0.plusSeconds(60)));
    db.execute(
        "INSERT INTO installations (id, account_login, account_type, repository_selection)"
            + " VALUES (7, 'octo', 'Organization', 'selected')");
    db.execute(
        "INSERT INTO installation_repositories (installation_id, repository_id, full_name, private)"
            + " VALUES (7, 1, 'octo/hello', true)");
    record = new RecordQueries(vertx, db.url());

    broker = new TestBroker();
    intake = broker.track(QueueTopology.JOBS.isolated(TestBroker.uniqueSuffix()));
    Topology.declare(broker.channel(), intake);
    connector = new AmqpConnector(URI.create(TestBroker.URL), "console-routes-it");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    QueueDepthGauge depths =
        new QueueDepthGauge(connector, registry, List.of(intake.queue(), intake.deadLetterQueue()));
    connector.start();

    sim = join(GitHubSimulator.start(vertx));
    LOGS.pem(sim.app().pkcs1Pem());
    github =
        WebClientGitHubClient.builder(vertx)
            .apiBase(sim.baseUrl())
            .app(sim.app().id(), sim.app().privateKey())
            .build();

    RunStore runs = RunStore.inMemory(Clock.systemUTC());
    UUID run = UUID.randomUUID();
    join(
        runs.save(
            run,
            List.of(
                JobRequest.builder(JOB, "https://github.com/octo/hello.git", "abc123", T0)
                    .workflow(".solstice/workflow.kdl", "build")
                    .runsOn("linux-x64")
                    .build())));
    join(runs.setState(run, "build", "completed:success"));
    CheckRunMap checkRuns = CheckRunMap.inMemory();
    join(checkRuns.put(JOB, 4242L));

    ConsoleSources sources =
        new ConsoleSources(
            record,
            new ParkedMessages(
                vertx,
                dev.solstice.platform.amqp.BrokerAddresses.of(URI.create(TestBroker.URL)),
                Map.of("intake", intake)),
            runs,
            checkRuns,
            new Redelivery(github, 5),
            Optional::empty,
            depths,
            null,
            null,
            registry);
    Router router = Router.router(vertx);
    new ConsoleRoutes(sources, new TestGuard()).mount(router);
    server = join(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    sim.secretsSeen().forEach(LOGS::secret);
    join(server.close());
    record.close();
    github.close();
    connector.close();
    join(sim.close());
    broker.close();
    join(vertx.close());
    db.close();
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(String path, boolean admin) throws Exception {
    var request = http.get(server.actualPort(), "127.0.0.1", path);
    if (admin) {
      request.putHeader("X-Test-User", "admin");
    }
    return join(request.send());
  }

  private static HttpResponse<Buffer> post(String path, Map<String, String> form) throws Exception {
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    form.forEach(body::add);
    return join(
        http.post(server.actualPort(), "127.0.0.1", path)
            .putHeader("X-Test-User", "admin")
            .sendForm(body));
  }

  private void park(String deliveryId) throws Exception {
    Map<String, Object> headers = new HashMap<>();
    headers.put(MessageProperties.DELIVERY_ID_HEADER, deliveryId);
    headers.put(MessageProperties.ATTEMPTS_HEADER, 8);
    headers.put(MessageProperties.PARK_REASON_HEADER, "GitHub answered 502");
    broker
        .channel()
        .basicPublish(
            intake.deadLetterExchange(),
            intake.routingKey(),
            new AMQP.BasicProperties.Builder()
                .messageId(deliveryId)
                .type("webhook.push")
                .headers(headers)
                .build(),
            "{\"ref\":\"refs/heads/main\"}".getBytes());
    await().until(() -> broker.count(intake.deadLetterQueue()) > 0);
  }

  @Test
  void aNonAdminGetsTheSame404EverywhereAndChangesNothing() throws Exception {
    assertThat(get("/console", false).statusCode()).isEqualTo(404);
    assertThat(get("/console/dlq", false).statusCode()).isEqualTo(404);
    assertThat(get("/console/deliveries/d-ok", false).statusCode()).isEqualTo(404);
    var post =
        join(
            http.post(server.actualPort(), "127.0.0.1", "/console/dlq/intake/drop")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("id", "x").add("csrf", CSRF)));
    assertThat(post.statusCode()).isEqualTo(404);
  }

  @Test
  void deliveriesAreListedFilteredAndEscaped() throws Exception {
    var all = get("/console", true);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.getHeader("Content-Security-Policy")).contains("default-src 'none'");
    String html = all.bodyAsString();
    assertThat(html).contains("d-ok", "d-parked", "octo/hello", "Signed in as octo-admin");
    assertThat(html.indexOf("d-parked")).isLessThan(html.indexOf("d-ok")); // newest first
    assertThat(html).contains("&lt;b&gt;eight&lt;/b&gt;").doesNotContain("<b>eight</b>");
    assertThat(html).contains("<label for=\"f-repository\">");

    assertThat(html).contains("<datalist id=\"f-events\">");
    assertThat(get("/console?event=pull_request&repository=OCTO/hello", true).bodyAsString())
        .contains("/console/deliveries/d-parked")
        .doesNotContain("/console/deliveries/d-ok")
        .contains("value=\"pull_request\"");
    String parked = get("/console?outcome=parked&installation=7", true).bodyAsString();
    assertThat(parked).contains("d-parked").doesNotContain("/console/deliveries/d-ok");
    String timed = get("/console?from=2026-12-07T10:00&to=2026-12-07T10:01", true).bodyAsString();
    assertThat(timed)
        .contains("/console/deliveries/d-ok")
        .doesNotContain("/console/deliveries/d-parked");

    var bad = get("/console?installation=seven&repository=no-slash&outcome=lost", true);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsString())
        .contains(
            "Installation: expected a number",
            "Repository: expected owner/name",
            "Outcome: expected one of");
  }

  @Test
  void aDeliveryShowsItsHeadersDecisionJobsAndARedeliverFormWithItsToken() throws Exception {
    String html = get("/console/deliveries/d-ok", true).bodyAsString();
    assertThat(html)
        .contains("X-GitHub-Delivery", "published", "/jobs/" + JOB, "build", "completed:success")
        .contains("4242")
        .contains("action=\"/console/deliveries/d-ok/redeliver\"")
        .contains("name=\"csrf\" value=\"" + CSRF + "\"");
    assertThat(get("/console/deliveries/nope", true).statusCode()).isEqualTo(404);
  }

  @Test
  void redeliverAsksGitHubForTheNewestAttemptOfTheDelivery() throws Exception {
    String guid = "g-" + UUID.randomUUID();
    sim.addHookDelivery(guid, "push", null, 502, false);
    long newest = sim.addHookDelivery(guid, "push", null, 502, true);
    var refused = post("/console/deliveries/" + guid + "/redeliver", Map.of());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(sim.redelivered()).doesNotContain(newest);

    assertThat(get("/console/deliveries/d-ok", true).bodyAsString())
        .contains("None in the newest 200 attempts");
    db.execute(
        "INSERT INTO deliveries (delivery_id, event, received_at, outcome) VALUES (?, 'push', now(),"
            + " 'published')",
        guid);
    assertThat(get("/console/deliveries/" + guid, true).bodyAsString())
        .contains("<td>" + newest + "</td>", "failed (502)");

    var done = post("/console/deliveries/" + guid + "/redeliver", Map.of("csrf", CSRF));
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.bodyAsString()).contains("Asked GitHub to redeliver " + guid, "" + newest);
    assertThat(sim.redelivered()).contains(newest);

    var unknown = post("/console/deliveries/not-in-the-log/redeliver", Map.of("csrf", CSRF));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsString()).contains("no attempt of not-in-the-log");
  }

  @Test
  void aParkedMessageIsInspectedThenReplayedOnceAndAnotherDropped() throws Exception {
    String a = "p-" + UUID.randomUUID();
    String b = "p-" + UUID.randomUUID();
    park(a);
    park(b);
    String list = get("/console/dlq", true).bodyAsString();
    assertThat(list).contains(a, b, "GitHub answered 502", "aria-label=\"Replay " + a + "\"");
    assertThat(get("/console/dlq/intake/" + a, true).bodyAsString())
        .contains("refs/heads/main", MessageProperties.PARK_REASON_HEADER);

    var forged = post("/console/dlq/intake/replay", Map.of("id", a, "csrf", "wrong"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(broker.count(intake.queue())).isZero();

    var replayed = post("/console/dlq/intake/replay", Map.of("id", a, "csrf", CSRF));
    assertThat(replayed.statusCode()).isEqualTo(200);
    assertThat(replayed.bodyAsString()).contains("Replayed " + a + " to " + intake.queue());
    await().until(() -> broker.count(intake.queue()) == 1);
    var again = post("/console/dlq/intake/replay", Map.of("id", a, "csrf", CSRF));
    assertThat(again.bodyAsString()).contains("nothing was done");
    assertThat(broker.count(intake.queue())).isEqualTo(1);

    var dropped = post("/console/dlq/intake/drop", Map.of("id", b, "csrf", CSRF));
    assertThat(dropped.bodyAsString()).contains("Dropped " + b);
    assertThat(get("/console/dlq", true).bodyAsString()).doesNotContain(a).doesNotContain(b);
    broker.drain(intake.queue());
  }

  @Test
  void installationsAndQueuesAreShown() throws Exception {
    String installations = get("/console/installations", true).bodyAsString();
    assertThat(installations).contains("octo", "Organization", "octo/hello", "(private)", "active");
    await()
        .untilAsserted(
            () ->
                assertThat(get("/console/queues", true).bodyAsString())
                    .contains(intake.queue(), intake.deadLetterQueue())
                    .doesNotContain("unknown"));
    assertThat(get("/console/recoveries", true).bodyAsString())
        .contains("missed-delivery job is off");
    assertThat(get("/console/nothing-here", true).statusCode()).isEqualTo(404);
  }
}
