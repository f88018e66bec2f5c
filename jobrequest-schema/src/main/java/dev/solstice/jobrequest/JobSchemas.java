package dev.solstice.jobrequest;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON Schemas of the contract, loaded from the classpath ({@code /schema/*.json}), and
 * validation of a JSON document against them. Thread-safe.
 */
public final class JobSchemas {

  /** Classpath location of the jobrequest.v1 schema. */
  public static final String JOB_REQUEST_V1 = "/schema/job-request.v1.json";

  /** Classpath location of the jobresult.v1 schema. */
  public static final String JOB_RESULT_V1 = "/schema/job-result.v1.json";

  /** Classpath location of the jobcancel.v1 schema. */
  public static final String JOB_CANCEL_V1 = "/schema/job-cancel.v1.json";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder.schemaRegistryConfig(
                  com.networknt.schema.SchemaRegistryConfig.builder()
                      .formatAssertionsEnabled(true)
                      .build()));
  private static final Schema REQUEST = load(JOB_REQUEST_V1);
  private static final Schema RESULT = load(JOB_RESULT_V1);
  private static final Schema CANCEL = load(JOB_CANCEL_V1);

  private JobSchemas() {}

  /** Problems of a jobrequest.v1 document, one line each; empty when valid. */
  public static List<String> validateRequest(String json) {
    return validate(REQUEST, json);
  }

  /** Problems of a jobresult.v1 document, one line each; empty when valid. */
  public static List<String> validateResult(String json) {
    return validate(RESULT, json);
  }

  /** Problems of a jobcancel.v1 document, one line each; empty when valid. */
  public static List<String> validateCancel(String json) {
    return validate(CANCEL, json);
  }

  private static List<String> validate(Schema schema, String json) {
    return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  private static Schema load(String resource) {
    try (InputStream in = JobSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema missing from classpath: " + resource);
      }
      return REGISTRY.getSchema(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
