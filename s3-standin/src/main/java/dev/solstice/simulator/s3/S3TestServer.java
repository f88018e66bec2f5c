package dev.solstice.simulator.s3;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.Constants;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-memory S3-compatible server for tests: s3proxy with its {@code transient} blob store on a
 * free port of 127.0.0.1, requiring AWS signatures (v2 or v4) with {@link #ACCESS_KEY}/{@link
 * #SECRET_KEY}.
 *
 * <p>Main code of {@code dev.solstice:s3-standin}, which brings s3proxy and the AWS SDK with it:
 * the orchestrator stub's tests use it in test scope, the sandbox at compile scope.
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start()) {
 *   Map<String, String> env = s3.env("solstice-logs");   // S3_ENDPOINT, S3_BUCKET, S3_REGION, keys
 *   ...
 *   String log = s3.readObject("solstice-logs", "logs/x.log");
 * }
 * }</pre>
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "solstice-test-access";
  public static final String SECRET_KEY = "solstice-test-secret";
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final URI endpoint;
  private final S3Client client;

  private S3TestServer(S3Proxy proxy, URI endpoint) {
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.client =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .region(Region.of(REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
  }

  /** Starts a fresh, empty server; returns once it accepts connections. */
  public static S3TestServer start() {
    Properties properties = new Properties();
    properties.setProperty(Constants.PROPERTY_IDENTITY, ACCESS_KEY);
    properties.setProperty(Constants.PROPERTY_CREDENTIAL, SECRET_KEY);
    BlobStore store = BlobStores.create("transient", properties);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    try {
      // start() returns once Jetty's connector is bound, so getPort() is the real port.
      proxy.start();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start", e);
    }
    return new S3TestServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
  }

  /** Base URL, e.g. {@code http://127.0.0.1:41234}; objects are at {@code endpoint/bucket/key}. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The stub's S3 variables pointing at this server and the given bucket (which the stub creates).
   */
  public Map<String, String> env(String bucket) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("S3_ENDPOINT", endpoint.toString());
    env.put("S3_BUCKET", bucket);
    env.put("S3_REGION", REGION);
    env.put("S3_ACCESS_KEY", ACCESS_KEY);
    env.put("S3_SECRET_KEY", SECRET_KEY);
    return env;
  }

  /** A client signed with the server's keys, path-style. Closed by {@link #close()}. */
  public S3Client client() {
    return client;
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  public boolean bucketExists(String bucket) {
    return client.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
  }

  /**
   * The object's content as UTF-8. @throws
   * software.amazon.awssdk.services.s3.model.NoSuchKeyException if absent
   */
  public String readObject(String bucket, String key) {
    return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
  }

  /** The content type the object was stored with. */
  public String contentType(String bucket, String key) {
    return client.headObject(b -> b.bucket(bucket).key(key)).contentType();
  }

  /**
   * The object a path-style URL of this server points to, read with the server's keys.
   *
   * @throws IllegalArgumentException if the URL is not {@code endpoint/bucket/key} of this server
   */
  public String readObjectAt(String url) {
    String prefix = endpoint + "/";
    if (url == null || !url.startsWith(prefix)) {
      throw new IllegalArgumentException("not an object URL of " + endpoint + ": " + url);
    }
    String path = URI.create(url).getPath().substring(1);
    int slash = path.indexOf('/');
    if (slash < 1) {
      throw new IllegalArgumentException("no bucket/key in " + url);
    }
    return readObject(path.substring(0, slash), path.substring(slash + 1));
  }

  /** Stops the server; its contents are gone. */
  public void stop() {
    client.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not stop", e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
