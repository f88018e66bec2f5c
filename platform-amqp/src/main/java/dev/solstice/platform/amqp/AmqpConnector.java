package dev.solstice.platform.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.solstice.platform.config.Redaction;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the one AMQP connection of the process. The official client recovers a connection (and its
 * channels, consumers and declarations) after it was lost; it does not retry a first connection
 * that failed, so this class does, with a growing delay, for as long as the service runs. The
 * service therefore starts without a broker and reports itself not ready until one answers.
 */
public final class AmqpConnector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpConnector.class);
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);

  private final ConnectionFactory factory = new ConnectionFactory();
  private final List<Address> addresses;
  private final String name;
  private final String redactedUri;
  private final List<Consumer<Connection>> onConnect = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler;
  private volatile Connection connection;
  private volatile boolean closed;
  private final MessageTracing tracing;

  public AmqpConnector(URI uri, String connectionName) {
    this(uri, connectionName, MessageTracing.off());
  }

  /**
   * @param tracing spans and trace context of every message published and consumed on this
   *     connection
   */
  public AmqpConnector(URI uri, String connectionName, MessageTracing tracing) {
    this(BrokerAddresses.of(uri), connectionName, tracing);
  }

  /**
   * @param brokers one broker, or the nodes of one cluster: the client connects to one that answers
   *     and, when that node goes away, recovers onto another
   * @param tracing spans and trace context of every message published and consumed on this
   *     connection
   */
  public AmqpConnector(BrokerAddresses brokers, String connectionName, MessageTracing tracing) {
    this.tracing = tracing;
    try {
      factory.setUri(brokers.primary());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "AMQP_URL: not a usable AMQP URL: " + Redaction.userInfo(brokers.primary().toString()),
          e);
    }
    this.addresses = brokers.addresses();
    this.name = connectionName;
    this.redactedUri = brokers.redacted();
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(1000);
    factory.setConnectionTimeout(5000);
    factory.setRequestedHeartbeat(30);
    // While the broker is unreachable, recovery fails once a second: one line each, not a stack
    // trace.
    factory.setExceptionHandler(
        new com.rabbitmq.client.impl.ForgivingExceptionHandler() {
          @Override
          public void handleConnectionRecoveryException(Connection conn, Throwable exception) {
            Throwable root = exception;
            while (root.getCause() != null && root.getCause() != root) {
              root = root.getCause();
            }
            LOG.warn(
                "AMQP connection to {} not recovered yet ({}); retrying",
                redactedUri,
                root.toString());
          }
        });
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "amqp-connect-" + connectionName);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Registers work to do once connected (open channels, declare, consume); runs at most once per
   * callback.
   */
  public void onConnect(Consumer<Connection> callback) {
    onConnect.add(callback);
    Connection current = connection;
    if (current != null) {
      scheduler.execute(() -> callback.accept(current));
    }
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    scheduler.execute(() -> connect(Duration.ofMillis(200)));
  }

  private void connect(Duration nextDelay) {
    if (closed) {
      return;
    }
    try {
      opened(factory.newConnection(addresses, name));
    } catch (Exception e) {
      LOG.warn(
          "AMQP connection to {} failed ({}); retrying in {} ms",
          redactedUri,
          e.getMessage(),
          nextDelay.toMillis());
      Duration after =
          nextDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0
              ? MAX_RETRY
              : nextDelay.multipliedBy(2);
      scheduler.schedule(() -> connect(after), nextDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Connects now, blocking the calling thread, and fails instead of retrying: for a process whose
   * supervisor restarts it when the broker is unreachable at start. Losses after that are
   * recovered.
   *
   * @throws IOException naming the (redacted) URL when the broker did not answer
   */
  public void connectOnce() throws IOException {
    try {
      opened(factory.newConnection(addresses, name));
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      throw new IOException("cannot connect to " + redactedUri + ": " + e.getMessage(), e);
    }
  }

  private void opened(Connection c) {
    ((Recoverable) c)
        .addRecoveryListener(
            new RecoveryListener() {
              @Override
              public void handleRecovery(Recoverable recoverable) {
                LOG.info("AMQP connection recovered, to {}", node(c));
              }

              @Override
              public void handleRecoveryStarted(Recoverable recoverable) {
                LOG.warn("AMQP connection to {} lost; recovering", redactedUri);
              }
            });
    connection = c;
    LOG.info("AMQP connected to {}", node(c));
    for (Consumer<Connection> callback : onConnect) {
      callback.accept(c);
    }
  }

  private static String node(Connection c) {
    return c.getAddress().getHostAddress() + ":" + c.getPort();
  }

  /**
   * Drops the connection without any goodbye, as a crashing process would; nothing is recovered.
   * For tests.
   */
  public void abort() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      c.abort();
    }
  }

  public MessageTracing tracing() {
    return tracing;
  }

  public String name() {
    return name;
  }

  /** True while the connection is open (false while it is being recovered). */
  public boolean isOpen() {
    Connection c = connection;
    return c != null && c.isOpen();
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    Connection c = connection;
    if (c != null && c.isOpen()) {
      try {
        c.close(5000);
      } catch (Exception e) {
        LOG.debug("closing AMQP connection", e);
      }
    }
  }
}
