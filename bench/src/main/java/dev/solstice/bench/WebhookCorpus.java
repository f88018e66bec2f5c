package dev.solstice.bench;

import dev.solstice.simulator.github.RecordedWebhooks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed {@code push} bodies: the real @octokit/webhooks-examples payload (the github-simulator's
 * recorded webhooks/push.json), compacted as GitHub sends it, with the repository and installation
 * rewritten so deliveries spread over many repositories.
 *
 * <p>Only the body is signed, not the X-GitHub-Delivery header, so one body per repository is
 * signed once up front and reused under a fresh delivery id per request: the load generator then
 * spends no CPU on HMAC while the service spends its usual share.
 */
final class WebhookCorpus {
  static final String SHA = RecordedWebhooks.PUSH_SHA;
  static final String OWNER = "Codertocat";

  /** One repository's signed body. */
  record Signed(String repository, long installationId, Buffer body, String signature) {}

  private final JsonObject template;
  private final String secret;

  WebhookCorpus(String secret) {
    this.secret = secret;
    template = new JsonObject(Buffer.buffer(RecordedWebhooks.payload("push.json")));
  }

  /**
   * Repository {@code Codertocat/Hello-World-<suffix>} owned by installation {@code
   * installationId}.
   */
  Signed forRepository(String suffix, long installationId, String sha) {
    JsonObject body = template.copy();
    String name = "Hello-World-" + suffix;
    String full = OWNER + "/" + name;
    JsonObject repo = body.getJsonObject("repository");
    repo.put("name", name)
        .put("full_name", full)
        .put("clone_url", "https://github.com/" + full + ".git");
    body.getJsonObject("installation").put("id", installationId);
    body.put("after", sha);
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    return new Signed(full, installationId, Buffer.buffer(bytes), sign(bytes));
  }

  /** {@code count} repositories with installation ids 1000, 1001, ... */
  List<Signed> repositories(int count) {
    List<Signed> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(forRepository(Integer.toString(i), 1000 + i, SHA));
    }
    return out;
  }

  String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
