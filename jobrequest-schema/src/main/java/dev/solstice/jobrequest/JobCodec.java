package dev.solstice.jobrequest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON encoding of the job messages. Thread-safe. Decoding ignores unknown properties, so a v1
 * reader accepts messages from a newer v1 producer.
 */
public final class JobCodec {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private JobCodec() {}

  public static byte[] encode(JobRequest request) {
    return write(request);
  }

  public static byte[] encode(JobResult result) {
    return write(result);
  }

  public static byte[] encode(JobCancel cancel) {
    return write(cancel);
  }

  /**
   * @throws JobMessageException if the bytes are not a JSON jobcancel.v1 object
   */
  public static JobCancel decodeCancel(byte[] json) {
    return read(json, JobCancel.class);
  }

  /**
   * @throws JobMessageException if the bytes are not a JSON jobrequest.v1 object
   */
  public static JobRequest decodeRequest(byte[] json) {
    return read(json, JobRequest.class);
  }

  /**
   * @throws JobMessageException if the bytes are not a JSON jobresult.v1 object
   */
  public static JobResult decodeResult(byte[] json) {
    return read(json, JobResult.class);
  }

  /** The shared mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new JobMessageException(
          "not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
