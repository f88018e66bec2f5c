package dev.solstice.simulator.github;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The request-body schemas of GitHub's REST description ({@code @octokit/openapi}, extracted into
 * {@code /github/openapi-subset.json}), validated with networknt json-schema-validator 3.x.
 */
public final class OpenApiSubset {
  public static final String RESOURCE = "/github/openapi-subset.json";
  private final JsonObject operations;
  private final Map<String, Schema> schemas = new HashMap<>();

  private OpenApiSubset(JsonObject root) {
    this.operations = root.getJsonObject("operations");
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    for (String op : operations.fieldNames()) {
      JsonObject schema = operations.getJsonObject(op).getJsonObject("requestSchema");
      if (schema != null) {
        schemas.put(op, registry.getSchema(schema.encode(), InputFormat.JSON));
      }
    }
  }

  public static OpenApiSubset load() {
    try (InputStream in = OpenApiSubset.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the test classpath");
      }
      return new OpenApiSubset(
          new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Schema errors of {@code body} for {@code operationId}; empty when valid or no schema. */
  public List<String> validate(String operationId, String body) {
    Schema s = schemas.get(operationId);
    if (s == null) {
      return List.of();
    }
    List<Error> errors = s.validate(body, InputFormat.JSON);
    return errors.stream().map(Error::toString).collect(Collectors.toList());
  }

  public boolean hasRequestSchema(String operationId) {
    return schemas.containsKey(operationId);
  }

  /** Required keys of the operation's success response (for shape checks). */
  public List<String> responseRequired(String operationId) {
    JsonArray a =
        operations.getJsonObject(operationId).getJsonArray("responseRequired", new JsonArray());
    return a.stream().map(Object::toString).collect(Collectors.toList());
  }

  public String source() {
    return operations == null ? "" : "@octokit/openapi";
  }
}
