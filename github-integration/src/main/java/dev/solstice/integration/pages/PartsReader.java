package dev.solstice.integration.pages;

import dev.solstice.jobrequest.logs.LogParts;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a job's log the way docs/messages.md ("Live logs") lays it out: the final object at the
 * log's key when there is one, else its parts {@code <key>.parts/000001}, {@code 000002}, ... in
 * order, stopping at the first missing number (a part still being uploaded; the ones after it wait
 * until it is there). Blocking: call it on a worker thread.
 */
final class PartsReader {

  /** Parts read at most by one call; the rest come with the next. */
  static final int MAX_PARTS_PER_READ = 200;

  /** Bytes read at most by one call, unless a single part is larger. */
  static final int MAX_BYTES_PER_READ = 8 << 20;

  private final S3Client client;
  private final String bucket;

  PartsReader(S3Client client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  /** The final object when there is one, else the parts from the first. */
  LogSnapshot read(String key) {
    Optional<byte[]> whole = object(key);
    if (whole.isPresent()) {
      return new LogSnapshot(whole.get(), 1, true, true);
    }
    return parts(key, 1);
  }

  /** The final object's bytes; empty while there is none. */
  Optional<byte[]> object(String key) {
    try {
      return Optional.of(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Parts {@code from}, {@code from + 1}, ... concatenated, up to the first missing number or the
   * limits of one read. Never complete: the final object is {@link #object}'s.
   */
  LogSnapshot parts(String key, int from) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int next = from;
    String startAfter = from > 1 ? LogParts.key(key, from - 1) : null;
    boolean more = true;
    while (more && next - from < MAX_PARTS_PER_READ && out.size() < MAX_BYTES_PER_READ) {
      String after = startAfter;
      ListObjectsV2Response page =
          client.listObjectsV2(
              b ->
                  b.bucket(bucket)
                      .prefix(LogParts.prefix(key))
                      .startAfter(after)
                      .maxKeys(Math.min(1000, MAX_PARTS_PER_READ)));
      more = Boolean.TRUE.equals(page.isTruncated());
      for (S3Object object : page.contents()) {
        OptionalInt n = LogParts.number(key, object.key());
        if (n.isEmpty()) {
          startAfter = object.key(); // not a part (a stray object under the prefix)
          continue;
        }
        if (n.getAsInt() != next
            || next - from >= MAX_PARTS_PER_READ
            || out.size() >= MAX_BYTES_PER_READ) {
          more = false; // a gap: later parts wait until the missing one is there
          break;
        }
        Optional<byte[]> part = object(object.key());
        if (part.isEmpty()) {
          more = false;
          break;
        }
        out.writeBytes(part.get());
        next++;
        startAfter = object.key();
      }
      if (page.contents().isEmpty()) {
        more = false;
      }
    }
    return new LogSnapshot(out.toByteArray(), next, false, next > from || from > 1);
  }
}
