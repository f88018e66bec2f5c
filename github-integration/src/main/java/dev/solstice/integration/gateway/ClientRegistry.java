package dev.solstice.integration.gateway;

import dev.solstice.integration.jobtoken.JobTokens;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Issue 13: the gateway's other clients (workers, bots, scripts), read from {@code
 * GATEWAY_CLIENTS_FILE} (YAML, version 1). A client is found by the SHA-256 of its token (the same
 * hash as job tokens); the file never holds a token. Immutable; {@link ClientRegistryFile} swaps it
 * when the file changes.
 */
public final class ClientRegistry {

  /** An invalid file, with the line at fault (0 when unknown). */
  public static final class Invalid extends Exception {
    private final int line;

    Invalid(int line, String message) {
      super(line > 0 ? "line " + line + ": " + message : message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /**
   * May call {@code method} on paths matching {@code path} (a whole-path regex); {@code
   * graphqlMutations}: on {@code POST /graphql}, mutations too (else queries only).
   */
  public record Scope(String method, Pattern path, boolean graphqlMutations) {
    public boolean allows(String m, String p) {
      return (method.equals("*") || method.equalsIgnoreCase(m)) && path.matcher(p).matches();
    }

    @Override
    public String toString() {
      return method + " " + path.pattern() + (graphqlMutations ? " (graphql_mutations)" : "");
    }
  }

  /**
   * One client.
   *
   * @param repositories {@code owner/repo} it may reach; empty: any the App is installed on
   * @param budgetPerHour requests per hour; 0: no budget
   */
  public record Client(
      String name,
      String tokenSha256,
      List<Scope> scopes,
      List<String> repositories,
      int budgetPerHour) {

    public Optional<Scope> scopeFor(String method, String path) {
      return scopes.stream().filter(s -> s.allows(method, path)).findFirst();
    }

    /** Whether a scope lets {@code POST /graphql} carry mutations. */
    public boolean graphqlMutations() {
      return scopes.stream().anyMatch(s -> s.graphqlMutations() && s.allows("POST", "/graphql"));
    }

    public boolean reaches(String repository) {
      return repositories.isEmpty()
          || repositories.stream().anyMatch(r -> r.equalsIgnoreCase(repository));
    }
  }

  // The file's shape, bound by Jackson so a wrong field or value carries its line.
  private record FileV1(Integer version, List<ClientV1> clients) {}

  private record ScopeV1(String method, String path, Boolean graphqlMutations) {
    ScopeV1 {
      require(method, "scope needs a method (GET, POST, ... or *)");
      require(path, "scope needs a path regex");
      try {
        Pattern.compile(path);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("scope path is not a regex: " + e.getDescription());
      }
    }
  }

  private record ClientV1(
      String name,
      String tokenSha256,
      List<ScopeV1> scopes,
      List<String> repositories,
      Integer budgetPerHour) {
    ClientV1 {
      require(name, "client needs a name");
      require(tokenSha256, "client " + name + " needs token_sha256");
      if (!tokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "client " + name + ": token_sha256 must be 64 lowercase hex digits");
      }
      if (scopes == null || scopes.isEmpty()) {
        throw new IllegalArgumentException("client " + name + " needs at least one scope");
      }
      if (repositories != null) {
        for (String r : repositories) {
          if (r == null || !r.matches("[^/\\s]+/[^/\\s]+")) {
            throw new IllegalArgumentException(
                "client " + name + ": repository " + r + " is not owner/repo");
          }
        }
      }
      if (budgetPerHour != null && budgetPerHour < 0) {
        throw new IllegalArgumentException("client " + name + ": budget_per_hour below 0");
      }
    }
  }

  private static void require(String value, String message) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(message);
    }
  }

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final Map<String, Client> byHash;

  private ClientRegistry(Map<String, Client> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  public static ClientRegistry empty() {
    return new ClientRegistry(Map.of());
  }

  /** Parses a version 1 file; an invalid one is refused with the line at fault. */
  public static ClientRegistry parse(String yaml) throws Invalid {
    FileV1 file;
    try {
      file = YAML.readValue(yaml, FileV1.class);
    } catch (JacksonException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      if (line <= 0) {
        // A record's properties are buffered before its constructor runs: the error then carries
        // no location, only its path (clients[0].budget_per_day), which is found in the text.
        line = lineOf(yaml, e.getPath());
      }
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      String message =
          cause == e ? e.getOriginalMessage().lines().findFirst().orElse("") : cause.getMessage();
      throw new Invalid(line, message);
    }
    if (file == null || file.version() == null || file.version() != 1) {
      throw new Invalid(1, "version: 1 is required");
    }
    Map<String, Client> byHash = new HashMap<>();
    Map<String, Boolean> names = new HashMap<>();
    for (ClientV1 c : file.clients() == null ? List.<ClientV1>of() : file.clients()) {
      if (names.put(c.name(), true) != null) {
        throw new Invalid(0, "client " + c.name() + " is listed twice");
      }
      Client client =
          new Client(
              c.name(),
              c.tokenSha256(),
              c.scopes().stream()
                  .map(
                      s ->
                          new Scope(
                              s.method().toUpperCase(Locale.ROOT),
                              Pattern.compile(s.path()),
                              Boolean.TRUE.equals(s.graphqlMutations())))
                  .toList(),
              c.repositories() == null ? List.of() : List.copyOf(c.repositories()),
              c.budgetPerHour() == null ? 0 : c.budgetPerHour());
      if (byHash.put(c.tokenSha256(), client) != null) {
        throw new Invalid(0, "client " + c.name() + " shares its token_sha256 with another");
      }
    }
    return new ClientRegistry(byHash);
  }

  /** The line of a path in a block-style file (1-based), or 0 when it cannot be found. */
  static int lineOf(String yaml, List<JacksonException.Reference> path) {
    String[] lines = yaml.split("\n", -1);
    int at = 0;
    for (JacksonException.Reference r : path) {
      int found = -1;
      if (r.getPropertyName() != null) {
        Pattern key =
            Pattern.compile("^\\s*(?:-\\s+)?" + Pattern.quote(r.getPropertyName()) + "\\s*:");
        for (int i = at; i < lines.length && found < 0; i++) {
          found = key.matcher(lines[i]).find() ? i : -1;
        }
      } else if (r.getIndex() >= 0) {
        int seen = -1;
        int itemIndent = -1;
        for (int i = at + 1; i < lines.length && found < 0; i++) {
          String t = lines[i].stripLeading();
          int indent = lines[i].length() - t.length();
          if (t.startsWith("-") && (itemIndent < 0 || indent == itemIndent)) {
            itemIndent = indent;
            found = ++seen == r.getIndex() ? i : -1;
          }
        }
      }
      if (found < 0) {
        return 0;
      }
      at = found;
    }
    return at + 1;
  }

  /** The client holding {@code token}, if any. */
  public Optional<Client> find(String token) {
    return Optional.ofNullable(byHash.get(JobTokens.hash(token)));
  }

  public int size() {
    return byHash.size();
  }
}
