package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.JobSchemas;
import dev.solstice.jobrequest.JobStatus;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.Topology;
import dev.solstice.simulator.s3.S3TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The stub end to end against the real RabbitMQ on 127.0.0.1:5672 and an in-process S3 server.
 * Every test gets its own exchanges and queues (random suffix) and bucket, so parallel builds
 * sharing the broker do not see each other's messages.
 */
class StubOrchestratorIT {

  private static final String BROKER = "amqp://guest:guest@127.0.0.1:5672/%2f";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static S3TestServer s3;
  private static Connection broker;

  private final String suffix = "-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final QueueTopology jobs = QueueTopology.JOBS.isolated(suffix);
  private final QueueTopology results = QueueTopology.RESULTS.isolated(suffix);
  private final String bucket = "logs" + suffix;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Channel channel;

  /** A JobResult as it arrived, with its raw JSON and AMQP properties. */
  record Received(JobResult result, String json, AMQP.BasicProperties properties) {}

  @BeforeAll
  static void startServers() throws Exception {
    s3 = S3TestServer.start();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(BROKER);
    broker = factory.newConnection("orchestrator-stub IT");
  }

  @AfterAll
  static void stopServers() throws Exception {
    broker.close();
    s3.stop();
  }

  @BeforeEach
  void declareFlowsAndListenForResults() throws IOException {
    vertx = Vertx.vertx();
    channel = broker.createChannel();
    Topology.declare(channel, jobs);
    Topology.declare(channel, results);
    channel.basicConsume(
        results.queue(),
        true,
        (tag, delivery) ->
            received.add(
                new Received(
                    JobCodec.decodeResult(delivery.getBody()),
                    new String(delivery.getBody(), StandardCharsets.UTF_8),
                    delivery.getProperties())),
        tag -> {});
  }

  @AfterEach
  void removeFlows() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
    Channel cleanup = broker.createChannel();
    QueueTopology cancels = QueueTopology.cancelsOf(jobs);
    for (String queue :
        List.of(
            jobs.queue(),
            jobs.deadLetterQueue(),
            results.queue(),
            results.deadLetterQueue(),
            cancels.queue(),
            cancels.deadLetterQueue())) {
      cleanup.queueDelete(queue);
    }
    for (java.time.Duration delay : StubSettings.DEFAULT_JOB_RETRIES.delays()) {
      cleanup.queueDelete(Topology.delayQueueName(jobs, delay));
    }
    for (String exchange :
        List.of(jobs.exchange(), results.exchange(), jobs.deadLetterExchange())) {
      cleanup.exchangeDelete(exchange);
    }
    cleanup.close();
  }

  // ---------------------------------------------------------------- simulate mode

  @Test
  void simulatedJobReportsStartedThenCompletedAndUploadsItsLog() throws Exception {
    deploy(Map.of("STUB_DEFAULT_OUTCOME", "success"));
    JobRequest job = TestJobs.job(List.of("mvn -B verify", "echo done"), Map.of("CI", "true"));

    publish(job);

    Received completed = awaitCompleted(job);
    List<Received> reports = resultsOf(job);
    assertThat(reports)
        .extracting(r -> r.result().status())
        .containsExactly(JobStatus.STARTED, JobStatus.COMPLETED);
    reports.forEach(
        r -> {
          assertThat(JobSchemas.validateResult(r.json())).as(r.json()).isEmpty();
          assertThat(r.properties().getMessageId()).isEqualTo(job.requestId().toString());
          assertThat(r.properties().getType()).isEqualTo("jobresult.v1");
          assertThat(r.properties().getContentType()).isEqualTo("application/json");
          assertThat(r.properties().getDeliveryMode()).isEqualTo(2);
          assertThat(r.properties().getHeaders())
              .extractingByKey(MessageProperties.DELIVERY_ID_HEADER)
              .hasToString(job.deliveryId());
          assertThat(r.result().checkRunId()).isEqualTo(4L);
          assertThat(r.result().repository()).isEqualTo("Codertocat/Hello-World");
        });
    JobResult result = completed.result();
    assertThat(result.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(result.startedAt()).isNotNull().isBeforeOrEqualTo(result.finishedAt());
    assertThat(result.logUrl())
        .isEqualTo(s3.endpoint() + "/" + bucket + "/logs/" + job.requestId() + ".log");
    String log = s3.readObjectAt(result.logUrl());
    assertThat(log).contains("+ mvn -B verify\n", "+ echo done\n");
    assertThat(result.logTail()).isEqualTo(log);
    assertThat(s3.contentType(bucket, "logs/" + job.requestId() + ".log")).startsWith("text/plain");
    await().atMost(PATIENCE).until(() -> readyCount(jobs.queue()) == 0);
  }

  @Test
  void aCopyOfAJobAlreadyRunIsAcknowledgedWithoutRunningAgain() throws Exception {
    deploy(Map.of("STUB_DEFAULT_OUTCOME", "success"));
    JobRequest job = TestJobs.job(List.of("echo once"), Map.of());
    JobRequest other = TestJobs.job(List.of("echo other"), Map.of());

    publish(job);
    awaitCompleted(job);
    publish(job); // the same request_id again, as a front-door replay would send it
    publish(other);
    awaitCompleted(other);

    await().atMost(PATIENCE).until(() -> readyCount(jobs.queue()) == 0);
    assertThat(resultsOf(job))
        .extracting(r -> r.result().status())
        .containsExactly(JobStatus.STARTED, JobStatus.COMPLETED);
  }

  @Test
  void jobEnvOverridesTheConfiguredOutcome() throws Exception {
    deploy(Map.of("STUB_DEFAULT_OUTCOME", "success"));
    JobRequest failing =
        TestJobs.job(List.of("make test"), Map.of("SOLSTICE_STUB_OUTCOME", "failure"));
    JobRequest plain = TestJobs.job(List.of("make test"), Map.of());

    publish(failing);
    publish(plain);

    assertThat(awaitCompleted(failing).result().conclusion()).isEqualTo(Conclusion.FAILURE);
    assertThat(awaitCompleted(plain).result().conclusion()).isEqualTo(Conclusion.SUCCESS);
  }

  @Test
  void withoutS3TheResultCarriesTheLogTailButNoUrl() throws Exception {
    Map<String, String> env = new HashMap<>(amqpEnv());
    deployWith(env, null);
    JobRequest job = TestJobs.job(List.of("echo no storage"), Map.of());

    publish(job);

    JobResult result = awaitCompleted(job).result();
    assertThat(result.logUrl()).isNull();
    assertThat(result.logTail()).contains("+ echo no storage");
  }

  // ---------------------------------------------------------------- execute mode

  @Test
  void executeModeReportsSuccessFailureAndTimeoutFromTheScripts() throws Exception {
    deploy(Map.of("STUB_EXECUTE", "true", "STUB_PREFETCH", "4"));
    JobRequest succeeds =
        TestJobs.job(List.of("echo \"hello from $GREETING\""), Map.of("GREETING", "the job"), 30);
    JobRequest fails = TestJobs.job(List.of("echo failing soon", "exit 3"), Map.of(), 30);
    JobRequest hangs = TestJobs.job(List.of("sleep 30"), Map.of(), 1);

    long start = System.nanoTime();
    publish(hangs);
    publish(succeeds);
    publish(fails);

    JobResult timedOut = awaitCompleted(hangs).result();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(timedOut.conclusion()).isEqualTo(Conclusion.TIMED_OUT);

    JobResult success = awaitCompleted(succeeds).result();
    assertThat(success.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(s3.readObjectAt(success.logUrl())).contains("hello from the job\n");

    JobResult failure = awaitCompleted(fails).result();
    assertThat(failure.conclusion()).isEqualTo(Conclusion.FAILURE);
    assertThat(failure.summary()).contains("exit code 3");
    assertThat(failure.logTail()).contains("failing soon\n");
    resultsOf(hangs, succeeds, fails)
        .forEach(r -> assertThat(JobSchemas.validateResult(r.json())).isEmpty());
  }

  // ---------------------------------------------------------------- delivery guarantees

  @Test
  void malformedMessagesAreDeadLetteredAndLaterJobsStillRun() throws Exception {
    deploy(Map.of());

    publishRaw("this is not JSON".getBytes(StandardCharsets.UTF_8));
    publishRaw("{\"schema_version\":\"jobrequest.v1\"}".getBytes(StandardCharsets.UTF_8));
    JobRequest valid = TestJobs.job(List.of("true"), Map.of());
    publish(valid);

    awaitCompleted(valid);
    await().atMost(PATIENCE).until(() -> readyCount(jobs.deadLetterQueue()) == 2);
    List<String> parked = new ArrayList<>();
    for (GetResponse r; (r = channel.basicGet(jobs.deadLetterQueue(), true)) != null; ) {
      parked.add(new String(r.getBody(), StandardCharsets.UTF_8));
    }
    assertThat(parked)
        .containsExactlyInAnyOrder("this is not JSON", "{\"schema_version\":\"jobrequest.v1\"}");
    assertThat(readyCount(jobs.queue())).isZero();
    assertThat(received).noneMatch(r -> r.result().requestId() == null);
  }

  @Test
  void requestIsNotAckedBeforeItsCompletedResultSoACrashedStubLeavesItForRedelivery()
      throws Exception {
    Promise<String> upload = Promise.promise();
    StubOrchestratorVerticle stub =
        deployWith(amqpEnv(), vertx -> new GatedLogStore(upload.future()));
    JobRequest job = TestJobs.job(List.of("echo held"), Map.of("SOLSTICE_STUB_DURATION_MS", "0"));

    publish(job);

    // Started, run, now held in the log upload: the request must still be unacked (not ready, not
    // gone).
    await().atMost(PATIENCE).until(() -> resultsOf(job).size() == 1);
    assertThat(readyCount(jobs.queue())).isZero();
    stub.simulateCrash().await(10, TimeUnit.SECONDS);

    await().atMost(PATIENCE).until(() -> readyCount(jobs.queue()) == 1);
    upload.complete(null);
    GetResponse redelivery = channel.basicGet(jobs.queue(), true);
    assertThat(JobCodec.decodeRequest(redelivery.getBody()).requestId()).isEqualTo(job.requestId());
    assertThat(redelivery.getEnvelope().isRedeliver()).isTrue();
    assertThat(resultsOf(job))
        .extracting(r -> r.result().status())
        .containsExactly(JobStatus.STARTED);
  }

  @Test
  void gracefulStopFinishesTheJobInFlightBeforeDisconnecting() throws Exception {
    StubOrchestratorVerticle stub = deploy(Map.of());
    JobRequest job = TestJobs.job(List.of("sleep 2"), Map.of("SOLSTICE_STUB_DURATION_MS", "2000"));
    publish(job);
    await().atMost(PATIENCE).until(() -> resultsOf(job).size() == 1);

    vertx.undeploy(stub.deploymentID()).await(30, TimeUnit.SECONDS);

    assertThat(resultsOf(job))
        .extracting(r -> r.result().status())
        .containsExactly(JobStatus.STARTED, JobStatus.COMPLETED);
    await().atMost(PATIENCE).until(() -> readyCount(jobs.queue()) == 0);
    assertThat(channel.basicGet(jobs.queue(), false)).isNull();
  }

  @Test
  void reconnectsAndKeepsConsumingAfterTheBrokerDropsTheConnection() throws Exception {
    assumeTrue(
        Rabbitmqctl.available(), "rabbitmqctl is needed to drop a connection from the broker side");
    deploy(Map.of());
    JobRequest before = TestJobs.job(List.of("true"), Map.of());
    publish(before);
    awaitCompleted(before);

    Rabbitmqctl.closeConnectionsNamed("orchestrator-stub " + jobs.queue());

    JobRequest after = TestJobs.job(List.of("true"), Map.of());
    publish(after);
    assertThat(awaitCompleted(after).result().conclusion()).isEqualTo(Conclusion.SUCCESS);
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, String> amqpEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("AMQP_URL", BROKER);
    env.put("AMQP_EXCHANGE", jobs.exchange());
    env.put("AMQP_QUEUE", jobs.queue());
    env.put("AMQP_DLX", jobs.deadLetterExchange());
    env.put("AMQP_DLQ", jobs.deadLetterQueue());
    env.put("AMQP_RESULTS_EXCHANGE", results.exchange());
    env.put("AMQP_RESULTS_QUEUE", results.queue());
    env.put("AMQP_RESULTS_DLQ", results.deadLetterQueue());
    env.put("STUB_DEFAULT_DURATION_MS", "50");
    return env;
  }

  /** Deploys a stub on this test's flows and bucket, with extra variables. */
  private StubOrchestratorVerticle deploy(Map<String, String> extra) throws Exception {
    Map<String, String> env = amqpEnv();
    env.putAll(s3.env(bucket));
    env.putAll(extra);
    return deployWith(env, null);
  }

  private StubOrchestratorVerticle deployWith(
      Map<String, String> env, java.util.function.Function<Vertx, LogStore> logStores)
      throws Exception {
    StubSettings settings = StubSettings.fromEnv(env);
    StubOrchestratorVerticle stub =
        logStores == null
            ? new StubOrchestratorVerticle(settings)
            : new StubOrchestratorVerticle(settings, logStores);
    vertx.deployVerticle(stub).await(30, TimeUnit.SECONDS);
    return stub;
  }

  private void publishCancel(JobRequest job) throws IOException {
    byte[] body =
        JobCodec.encode(
            dev.solstice.jobrequest.JobCancel.superseded(
                job, "4444444444444444444444444444444444444444", java.time.Instant.now()));
    assertThat(JobSchemas.validateCancel(new String(body, StandardCharsets.UTF_8))).isEmpty();
    QueueTopology cancels = QueueTopology.cancelsOf(jobs);
    channel.basicPublish(
        cancels.exchange(),
        cancels.routingKey(),
        new AMQP.BasicProperties.Builder()
            .contentType(MessageProperties.CONTENT_TYPE)
            .deliveryMode(MessageProperties.PERSISTENT)
            .type("jobcancel.v1")
            .build(),
        body);
  }

  // ---------------------------------------------------------------- cancels

  @Test
  void aJobCancelledBeforeItArrivesIsNotRunAndOneRunningIsStopped() throws Exception {
    deploy(Map.of("STUB_DEFAULT_OUTCOME", "success"));
    JobRequest early = TestJobs.job(List.of("make"), Map.of());
    JobRequest running =
        TestJobs.job(List.of("make"), Map.of("SOLSTICE_STUB_DURATION_MS", "20000"));
    JobRequest other = TestJobs.job(List.of("make"), Map.of());

    // The cancel is taken in first (it may also overtake its request in production): the stub says
    // so.
    ListAppender<ILoggingEvent> stubLog = new ListAppender<>();
    ch.qos.logback.classic.Logger stubLogger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(StubOrchestratorVerticle.class);
    stubLog.start();
    stubLogger.addAppender(stubLog);
    try {
      publishCancel(early);
      String taken = "job " + early.requestId() + " cancelled";
      await()
          .atMost(PATIENCE)
          .until(
              () -> {
                synchronized (stubLog) { // appends hold the appender's lock
                  return stubLog.list.stream()
                      .anyMatch(e -> e.getFormattedMessage().startsWith(taken));
                }
              });
    } finally {
      stubLogger.detachAppender(stubLog);
    }
    publish(early);
    Received notRun = awaitCompleted(early);
    assertThat(notRun.result().conclusion()).isEqualTo(Conclusion.CANCELLED);
    assertThat(resultsOf(early))
        .extracting(r -> r.result().status())
        .containsExactly(JobStatus.COMPLETED);
    assertThat(JobSchemas.validateResult(notRun.json())).isEmpty();

    publish(running);
    await().atMost(PATIENCE).until(() -> !resultsOf(running).isEmpty());
    long before = System.nanoTime();
    publishCancel(running);
    Received stopped = awaitCompleted(running);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    assertThat(stopped.result().conclusion()).isEqualTo(Conclusion.CANCELLED);
    assertThat(stopped.result().summary()).contains("superseded");

    publish(other);
    assertThat(awaitCompleted(other).result().conclusion()).isEqualTo(Conclusion.SUCCESS);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                readyCount(jobs.queue()) == 0
                    && readyCount(QueueTopology.cancelsOf(jobs).queue()) == 0);
  }

  @Test
  void aRunningScriptIsStoppedByItsCancelAndItsLogSoFarIsKept() throws Exception {
    deploy(Map.of("STUB_EXECUTE", "true"));
    String marker = "started-" + UUID.randomUUID();
    String sleep = "sleep 299." + System.nanoTime() % 1000;
    JobRequest job = TestJobs.job(List.of("echo " + marker, sleep), Map.of(), 600);

    publish(job);
    await().atMost(PATIENCE).until(() -> ScriptJobRunnerTest.running(sleep));
    long before = System.nanoTime();
    publishCancel(job);

    Received stopped = awaitCompleted(job);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    assertThat(stopped.result().conclusion()).isEqualTo(Conclusion.CANCELLED);
    assertThat(stopped.result().summary()).contains("superseded");
    assertThat(stopped.result().logTail()).contains(marker + "\n", "stopped after");
    assertThat(s3.readObjectAt(stopped.result().logUrl())).contains(marker + "\n");
    assertThat(JobSchemas.validateResult(stopped.json())).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> !ScriptJobRunnerTest.running(sleep));
  }

  private void publish(JobRequest job) throws IOException {
    assertThat(JobSchemas.validateRequest(new String(JobCodec.encode(job), StandardCharsets.UTF_8)))
        .isEmpty();
    publishRaw(JobCodec.encode(job));
  }

  private void publishRaw(byte[] body) throws IOException {
    channel.basicPublish(
        jobs.exchange(),
        jobs.routingKey(),
        new AMQP.BasicProperties.Builder()
            .contentType(MessageProperties.CONTENT_TYPE)
            .deliveryMode(MessageProperties.PERSISTENT)
            .type("jobrequest.v1")
            .build(),
        body);
  }

  private List<Received> resultsOf(JobRequest... requests) {
    List<UUID> ids = java.util.Arrays.stream(requests).map(JobRequest::requestId).toList();
    return received.stream().filter(r -> ids.contains(r.result().requestId())).toList();
  }

  private Received awaitCompleted(JobRequest job) {
    return await()
        .atMost(PATIENCE)
        .until(
            () ->
                resultsOf(job).stream()
                    .filter(r -> r.result().status() == JobStatus.COMPLETED)
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /** Messages ready for delivery (not counting delivered-but-unacked ones). */
  private long readyCount(String queue) throws IOException {
    return channel.queueDeclarePassive(queue).getMessageCount();
  }

  /** A log store that holds every upload until the test completes the given future. */
  private record GatedLogStore(Future<String> gate) implements LogStore {
    @Override
    public Future<Void> prepare() {
      return Future.succeededFuture();
    }

    @Override
    public Future<String> upload(JobRequest request, String log) {
      return gate;
    }

    @Override
    public void close() {}
  }

  /** The broker's CLI, to drop connections from the server side. */
  static final class Rabbitmqctl {

    static boolean available() {
      try {
        return run("status").exitValue() == 0;
      } catch (IOException e) {
        return false;
      }
    }

    /**
     * Closes every connection whose client-provided name is the given one (and only those: the
     * broker is shared).
     */
    static void closeConnectionsNamed(String name) throws IOException {
      // Lines look like:
      // <rabbit@host.1.2.0>\t[{"connection_name","..."},{"product","RabbitMQ"},...]
      Process list = run("list_connections", "pid", "client_properties", "--no-table-headers");
      String marker = "{\"connection_name\",\"" + name + "\"}";
      List<String> pids =
          new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(line -> line.contains(marker))
              .map(line -> line.substring(0, line.indexOf('\t')))
              .toList();
      assertThat(pids).as("connections named " + name).isNotEmpty();
      for (String pid : pids) {
        assertThat(run("close_connection", pid, "test: simulated broker restart").exitValue())
            .isZero();
      }
    }

    private static Process run(String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
      command.addAll(List.of(args));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException("rabbitmqctl timed out: " + command);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      return process;
    }
  }
}
