package dev.solstice.integration.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.jobrequest.logs.LogParts;
import dev.solstice.simulator.s3.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The live-log layout of docs/messages.md read back from an S3 server (s3proxy, in memory). */
class PartsReaderTest {

  private static final String BUCKET = "solstice-logs";
  private static S3TestServer s3;
  private static PartsReader reader;
  private final String key = "logs/" + UUID.randomUUID() + ".log";

  @BeforeAll
  static void start() {
    s3 = S3TestServer.start();
    s3.createBucket(BUCKET);
    reader = new PartsReader(s3.client(), BUCKET);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private void put(String objectKey, String text) {
    s3.client().putObject(b -> b.bucket(BUCKET).key(objectKey), RequestBody.fromString(text));
  }

  private void part(int n, String text) {
    put(LogParts.key(key, n), text);
  }

  private static String text(LogSnapshot s) {
    return new String(s.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void nothingUploadedIsNoLog() {
    LogSnapshot s = reader.read(key);
    assertThat(s.present()).isFalse();
    assertThat(s.complete()).isFalse();
    assertThat(s.nextPart()).isEqualTo(1);
  }

  @Test
  void partsAreReadInNumberOrderWhateverOrderTheyWereWritten() {
    part(2, "two\n");
    part(1, "one\n");
    part(3, "three\n");
    LogSnapshot s = reader.read(key);
    assertThat(text(s)).isEqualTo("one\ntwo\nthree\n");
    assertThat(s.present()).isTrue();
    assertThat(s.complete()).isFalse();
    assertThat(s.nextPart()).isEqualTo(4);
  }

  @Test
  void readingStopsAtTheFirstMissingPartUntilItArrives() {
    part(1, "one\n");
    part(3, "three\n");
    LogSnapshot first = reader.read(key);
    assertThat(text(first)).isEqualTo("one\n");
    assertThat(first.nextPart()).isEqualTo(2);

    assertThat(reader.parts(key, 2).bytes()).isEmpty();
    part(2, "two\n");
    LogSnapshot rest = reader.parts(key, 2);
    assertThat(text(rest)).isEqualTo("two\nthree\n");
    assertThat(rest.nextPart()).isEqualTo(4);
  }

  @Test
  void readingOnFromAPartSkipsTheOnesBeforeAndIgnoresStrayKeys() {
    part(1, "one\n");
    part(2, "two\n");
    put(LogParts.prefix(key) + "notes.txt", "not a part\n");
    put(LogParts.prefix(key) + "0000002", "seven digits: not a part\n");
    LogSnapshot s = reader.parts(key, 2);
    assertThat(text(s)).isEqualTo("two\n");
    assertThat(s.nextPart()).isEqualTo(3);
    assertThat(reader.parts(key, 3).bytes()).isEmpty();
  }

  @Test
  void theFinalObjectIsTheWholeLogAndWinsOverTheParts() {
    part(1, "one\n");
    put(key, "one\ntwo\ndone\n");
    LogSnapshot s = reader.read(key);
    assertThat(s.complete()).isTrue();
    assertThat(text(s)).isEqualTo("one\ntwo\ndone\n");
    assertThat(reader.object(key)).isPresent();
  }

  @Test
  void aPartEndingInsideALineOrCharacterJoinsTheNext() {
    byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8); // three bytes and a line break
    s3.client()
        .putObject(
            b -> b.bucket(BUCKET).key(LogParts.key(key, 1)),
            RequestBody.fromBytes(new byte[] {'a', euro[0]}));
    s3.client()
        .putObject(
            b -> b.bucket(BUCKET).key(LogParts.key(key, 2)),
            RequestBody.fromBytes(new byte[] {euro[1], euro[2], '\n', 'b'}));
    LogSnapshot s = reader.read(key);
    assertThat(text(s)).isEqualTo("a€\nb");
    assertThat(s.wholeLines()).isEqualTo(5);
  }

  @Test
  void partNumbersHaveSixDigitsAndRoundTrip() {
    assertThat(LogParts.key("logs/x.log", 7)).isEqualTo("logs/x.log.parts/000007");
    assertThat(LogParts.number("logs/x.log", "logs/x.log.parts/000007")).hasValue(7);
    assertThat(LogParts.number("logs/x.log", "logs/x.log.parts/000000")).isEmpty();
    assertThat(LogParts.number("logs/x.log", "logs/y.log.parts/000007")).isEmpty();
  }
}
