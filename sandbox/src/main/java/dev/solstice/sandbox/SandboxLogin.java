package dev.solstice.sandbox;

import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.web.AuthSettings;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * GitHub login in the sandbox (issue 16): the simulated GitHub gets an OAuth client for the App and
 * two users — {@value #ADMIN} (admin of the demo repository, listed in CONSOLE_ADMINS) and {@value
 * #VISITOR} (no access) — and the service gets GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET,
 * GITHUB_WEB_URL and PUBLIC_URL to match. The demo repository is public, and
 * PUBLIC_REPOS_ANONYMOUS=true, so its job pages open without login too. Nothing is set up when
 * GITHUB_CLIENT_ID is given, or when no PUBLIC_URL can be known (HTTP_ADDR port 0 and no
 * PUBLIC_URL).
 */
final class SandboxLogin {

  static final String ADMIN = "octocat";
  static final String VISITOR = "visitor";
  static final String CLIENT_ID = "Iv1.sandbox";

  private SandboxLogin() {}

  /** Adds the login's variables to {@code env} and its client and users to the simulator. */
  static void configure(GitHubSimulator github, Map<String, String> env) {
    github.users().grant(ADMIN, SandboxStack.REPO, "admin").user(VISITOR);
    github.users().publicRepo(SandboxStack.REPO);
    env.putIfAbsent("PUBLIC_REPOS_ANONYMOUS", "true");
    env.putIfAbsent("CONSOLE_ADMINS", ADMIN);
    String publicUrl = env.getOrDefault("PUBLIC_URL", publicUrlOf(env.get("HTTP_ADDR")));
    if (env.containsKey("GITHUB_CLIENT_ID") || publicUrl == null) {
      return;
    }
    byte[] bytes = new byte[20];
    new SecureRandom().nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    github.users().client(CLIENT_ID, secret, publicUrl + AuthSettings.CALLBACK_PATH);
    env.put("PUBLIC_URL", publicUrl);
    env.put("GITHUB_WEB_URL", github.webUrl());
    env.put("GITHUB_CLIENT_ID", CLIENT_ID);
    env.put("GITHUB_CLIENT_SECRET", secret);
  }

  /**
   * The simulated GitHub sends the Re-run button's {@code check_run} {@code rerequested} webhooks
   * to the service, signed with its secret, as GitHub sends them to the App's webhook URL.
   */
  static void reruns(GitHubSimulator github, AppConfig config, int httpPort) {
    if (config.webhookSecrets().isEmpty()) {
      return;
    }
    github
        .rerequests()
        .webhookTarget(
            "http://127.0.0.1:" + httpPort + config.webhookPath(), config.webhookSecrets().get(0))
        .headBranch(SandboxStack.REPO, RecordedWebhooks.PUSH_SHA, "master");
  }

  /** http://HOST:PORT of HTTP_ADDR (127.0.0.1 for a wildcard host); null for port 0. */
  static String publicUrlOf(String httpAddr) {
    if (httpAddr == null || httpAddr.endsWith(":0") || !httpAddr.contains(":")) {
      return null;
    }
    String host = httpAddr.substring(0, httpAddr.lastIndexOf(':'));
    String port = httpAddr.substring(httpAddr.lastIndexOf(':') + 1);
    return "http://" + (host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port;
  }
}
