package dev.solstice.integration.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A database of its own for one test class on the machine's PostgreSQL (127.0.0.1:5432, user
 * postgres, trust auth; {@code TEST_PG_HOST_PORT} overrides), created empty and dropped at close,
 * with plain JDBC helpers to look at what the service wrote.
 */
public final class TestDatabase implements AutoCloseable {

  public static final String HOST_PORT =
      System.getenv().getOrDefault("TEST_PG_HOST_PORT", "127.0.0.1:5432");
  private static final String USER = "postgres";

  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  /** Creates an empty, uniquely named database. */
  public static TestDatabase create() throws SQLException {
    String name = "solstice_test_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = connect("postgres")) {
      c.createStatement().execute("CREATE DATABASE " + name);
    }
    return new TestDatabase(name);
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + HOST_PORT + "/" + database, USER, null);
  }

  public String name() {
    return name;
  }

  /** {@code DATABASE_URL} of this database. */
  public String url() {
    return "postgresql://" + USER + "@" + HOST_PORT + "/" + name;
  }

  /** {@code DATABASE_URL} of this database reached through another port (a proxy in front). */
  public String urlThroughPort(int port) {
    return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + name;
  }

  /** The rows of a query, each column by its label. */
  public List<Map<String, Object>> rows(String sql, Object... args) {
    try (Connection c = connect(name);
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          out.add(row);
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row, as a long (a count). */
  public long count(String sql, Object... args) {
    List<Map<String, Object>> rows = rows(sql, args);
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).values().iterator().next()).longValue();
  }

  /** One row, or null when there is none. */
  public Map<String, Object> row(String sql, Object... args) {
    List<Map<String, Object>> rows = rows(sql, args);
    return rows.isEmpty() ? null : rows.get(0);
  }

  public int execute(String sql, Object... args) {
    try (Connection c = connect(name);
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** True once Flyway has migrated the schema (the service migrates in the background). */
  public boolean migrated() {
    return count(
                "SELECT count(*) FROM information_schema.tables WHERE table_name ="
                    + " 'flyway_schema_history'")
            > 0
        && count("SELECT count(*) FROM flyway_schema_history WHERE success") > 0;
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = connect("postgres")) {
      c.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
