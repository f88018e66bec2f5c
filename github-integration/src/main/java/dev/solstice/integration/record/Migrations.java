package dev.solstice.integration.record;

import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The record's schema: Flyway's versioned SQL under {@code db/migration}, applied at start. Flyway
 * takes a lock in the database first, so replicas starting together migrate once.
 */
public final class Migrations {

  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /** Brings the database to the newest version; blocking (JDBC). Answers the version reached. */
  public static String migrate(String databaseUrl) {
    return migrate(databaseUrl, null);
  }

  /**
   * @param target the version to stop at (tests migrate from an older version); null for the newest
   */
  public static String migrate(String databaseUrl, String target) {
    PgConnectOptions o = PgConnectOptions.fromUri(databaseUrl);
    var config =
        Flyway.configure()
            .dataSource(jdbcUrl(o), o.getUser(), o.getPassword())
            .locations(LOCATION)
            .connectRetries(3);
    if (target != null) {
      config = config.target(target);
    }
    MigrateResult result = config.load().migrate();
    return result.targetSchemaVersion != null
        ? result.targetSchemaVersion
        : String.valueOf(result.initialSchemaVersion);
  }

  static String jdbcUrl(PgConnectOptions o) {
    return "jdbc:postgresql://"
        + (o.getHost().contains(":") ? "[" + o.getHost() + "]" : o.getHost())
        + ":"
        + o.getPort()
        + "/"
        + o.getDatabase();
  }
}
