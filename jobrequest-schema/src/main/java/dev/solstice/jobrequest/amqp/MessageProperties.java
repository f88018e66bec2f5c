package dev.solstice.jobrequest.amqp;

/** Names of the AMQP properties and headers the job messages carry. */
public final class MessageProperties {

  /** Content type of every job message. */
  public static final String CONTENT_TYPE = "application/json";

  /** Delivery mode 2: the broker writes the message to disk. */
  public static final int PERSISTENT = 2;

  /** Header holding the {@code X-GitHub-Delivery} id of the webhook that caused the job. */
  public static final String DELIVERY_ID_HEADER = "x-github-delivery";

  /** Header on a dead-lettered message saying why it was parked. */
  public static final String PARK_REASON_HEADER = "x-solstice-reason";

  /** Header counting processing attempts of a message. */
  public static final String ATTEMPTS_HEADER = "x-solstice-attempts";

  private MessageProperties() {}
}
