package dev.solstice.integration.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  @Test
  void defaultsMatchTheDocumentedOnes() {
    AppConfig c = AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of());
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpPort()).isEqualTo(8082);
    assertThat(c.webhookPath()).isEqualTo("/webhooks/github");
    assertThat(c.amqpUri()).hasToString("amqp://127.0.0.1:5672/%2f");
    assertThat(c.jobs().exchange()).isEqualTo("solstice.jobs");
    assertThat(c.jobs().routingKey()).isEqualTo("jobrequest.v1");
    assertThat(c.jobs().queue()).isEqualTo("solstice.jobs.v1");
    assertThat(c.jobs().deadLetterExchange()).isEqualTo("solstice.dlx");
    assertThat(c.jobs().deadLetterQueue()).isEqualTo("solstice.jobs.v1.dlq");
    assertThat(c.maxBodyBytes()).isEqualTo(25L * 1024 * 1024);
    assertThat(c.checkName()).isEqualTo("Solstice CI");
    assertThat(c.managementHost()).isEqualTo("127.0.0.1");
    assertThat(c.managementPort()).isEqualTo(8083);
  }

  @Test
  void theManagementListenerNeedsAPortOfItsOwn() {
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "GITHUB_WEBHOOK_SECRET", "s",
                        "HTTP_ADDR", "0.0.0.0:9000",
                        "MANAGEMENT_ADDR", "127.0.0.1:9000"),
                    List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MANAGEMENT_ADDR: the management listener needs a port of its own");
  }

  @Test
  void flagsOverrideTheEnvironment() {
    AppConfig c =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "s",
                "HTTP_ADDR",
                "127.0.0.1:9000",
                "WEBHOOK_PATH",
                "/env"),
            List.of("--http-addr", "127.0.0.1:9100", "--webhook-path=/flag"));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(9100);
    assertThat(c.webhookPath()).isEqualTo("/flag");
  }

  @Test
  void trustedProxiesAndTheWebhookSourceAllowlistAreReadAsCidrRanges() throws Exception {
    AppConfig c =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET", "s",
                "TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1",
                "WEBHOOK_SOURCE_ALLOWLIST", "github,203.0.113.0/24"),
            List.of());
    var sources = c.webhookSources();
    assertThat(sources.trustedProxies().contains(InetAddress.getByName("10.9.8.7"))).isTrue();
    assertThat(sources.trustedProxies().contains(InetAddress.getByName("192.168.1.2"))).isFalse();
    assertThat(sources.github()).isTrue();
    assertThat(sources.restricted()).isTrue();
    assertThat(sources.allowlist().contains(InetAddress.getByName("203.0.113.9"))).isTrue();
    assertThat(sources.metaBase()).hasToString("https://api.github.com");
    assertThat(
            AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of())
                .webhookSources()
                .restricted())
        .isFalse();
  }

  @Test
  void aRangeThatIsNoCidrIsNamedWithItsVariable() {
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "GITHUB_WEBHOOK_SECRET", "s",
                        "TRUSTED_PROXIES", "ingress.local",
                        "WEBHOOK_SOURCE_ALLOWLIST", "10.0.0.0/33"),
                    List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRUSTED_PROXIES: \"ingress.local\" is not an address")
        .hasMessageContaining("WEBHOOK_SOURCE_ALLOWLIST: \"10.0.0.0/33\": the prefix length");
  }

  @Test
  void webhookSecretAliasIsUsedWhenTheMainNameIsUnset() {
    assertThat(AppConfig.fromEnv(Map.of("WEBHOOK_SECRET", "a,b"), List.of()).webhookSecrets())
        .containsExactly("a", "b");
    assertThat(
            AppConfig.fromEnv(
                    Map.of("WEBHOOK_SECRET", "old", "GITHUB_WEBHOOK_SECRET", "new"), List.of())
                .webhookSecrets())
        .containsExactly("new");
  }

  @Test
  void refusesToStartWithoutASecretAndNamesBothWaysOut() {
    assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("GITHUB_WEBHOOK_SECRET")
        .hasMessageContaining("ALLOW_UNSIGNED_WEBHOOKS");
  }

  @Test
  void unsignedModeStartsWithALoudWarning() {
    AppConfig c = AppConfig.fromEnv(Map.of("ALLOW_UNSIGNED_WEBHOOKS", "true"), List.of());
    assertThat(c.allowUnsignedWebhooks()).isTrue();
    assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("NOT checked"));
  }

  @Test
  void detailsUrlIsTheJobPageUnlessLogsBaseUrlIsSetExplicitly() {
    var job =
        dev.solstice.jobrequest.JobRequest.builder(
                java.util.UUID.fromString("00000000-0000-0000-0000-000000000016"),
                "https://github.com/o/r",
                "a".repeat(40),
                java.time.Instant.EPOCH)
            .logPath("/logs/00000000-0000-0000-0000-000000000016.log")
            .build();
    Map<String, String> env =
        Map.of(
            "GITHUB_WEBHOOK_SECRET", "s",
            "PUBLIC_URL", "https://ci.example.com/",
            "JOB_PAGES_PUBLIC", "true",
            "S3_ENDPOINT", "http://s3:9000");
    assertThat(AppConfig.fromEnv(env, List.of()).jobLinks().detailsUrl(job))
        .isEqualTo("https://ci.example.com/jobs/00000000-0000-0000-0000-000000000016");

    var explicit = new java.util.HashMap<>(env);
    explicit.put("LOGS_BASE_URL", "https://logs.example.com/");
    assertThat(AppConfig.fromEnv(explicit, List.of()).jobLinks().detailsUrl(job))
        .isEqualTo("https://logs.example.com/logs/00000000-0000-0000-0000-000000000016.log");

    // Without JOB_PAGES_PUBLIC, GitHub login or PUBLIC_REPOS_ANONYMOUS nobody can see a page: link
    // the log as before.
    var notServed = new java.util.HashMap<>(env);
    notServed.remove("JOB_PAGES_PUBLIC");
    AppConfig hidden = AppConfig.fromEnv(notServed, List.of());
    assertThat(hidden.jobPages().anonymous()).isFalse();
    assertThat(hidden.jobLinks().detailsUrl(job))
        .isEqualTo("http://s3:9000/solstice-logs/logs/00000000-0000-0000-0000-000000000016.log");

    // With GitHub login (issue 16) the pages are served behind it: link them.
    var login = new java.util.HashMap<>(notServed);
    login.put("GITHUB_CLIENT_ID", "Iv1.abc");
    login.put("GITHUB_CLIENT_SECRET", "secret");
    AppConfig behindLogin = AppConfig.fromEnv(login, List.of());
    assertThat(behindLogin.auth().loginEnabled()).isTrue();
    assertThat(behindLogin.jobLinks().detailsUrl(job))
        .isEqualTo("https://ci.example.com/jobs/00000000-0000-0000-0000-000000000016");
  }

  @Test
  void deprecatedOrchHttpBaseStillWorksWithAWarning() {
    AppConfig c =
        AppConfig.fromEnv(
            Map.of("GITHUB_WEBHOOK_SECRET", "s", "ORCH_HTTP_BASE", "http://orch:8081/"), List.of());
    assertThat(c.logsBaseUrl()).isEqualTo("http://orch:8081");
    assertThat(c.warnings())
        .anySatisfy(w -> assertThat(w).contains("ORCH_HTTP_BASE is deprecated"));
    AppConfig both =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "s",
                "ORCH_HTTP_BASE",
                "http://old",
                "LOGS_BASE_URL",
                "http://new"),
            List.of());
    assertThat(both.logsBaseUrl()).isEqualTo("http://new");
    assertThat(both.warnings()).noneSatisfy(w -> assertThat(w).contains("ORCH_HTTP_BASE"));
  }

  @Test
  void reportsEveryProblemAtOnceNamingEachVariable() {
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "HTTP_ADDR",
                        "0.0.0.0:80a",
                        "AMQP_URL",
                        "http://x",
                        "INTAKE_PREFETCH",
                        "-1",
                        "AMQP_CONFIRM_TIMEOUT",
                        "soon",
                        "RUNS_ON_MAP",
                        "nope"),
                    List.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(6)
                    .anySatisfy(p -> assertThat(p).startsWith("HTTP_ADDR:").contains("80a"))
                    .anySatisfy(p -> assertThat(p).startsWith("AMQP_URL:"))
                    .anySatisfy(p -> assertThat(p).startsWith("INTAKE_PREFETCH:"))
                    .anySatisfy(p -> assertThat(p).startsWith("AMQP_CONFIRM_TIMEOUT:"))
                    .anySatisfy(p -> assertThat(p).startsWith("RUNS_ON_MAP:"))
                    .anySatisfy(p -> assertThat(p).startsWith("GITHUB_WEBHOOK_SECRET:")));
  }

  @Test
  void runsOnComesFromTheMapThenTheDefault() {
    AppConfig c =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "s",
                "RUNS_ON_DEFAULT",
                "linux",
                "RUNS_ON_MAP",
                "Codertocat/Hello-World=big-box, o/r=arm"),
            List.of());
    assertThat(c.runsOnFor("codertocat/hello-world")).isEqualTo("big-box");
    assertThat(c.runsOnFor("o/r")).isEqualTo("arm");
    assertThat(c.runsOnFor("x/y")).isEqualTo("linux");
  }

  @Test
  void resultsRetryLikeTheIntakeUnlessSetApart() {
    AppConfig same =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "s",
                "INTAKE_RETRY_DELAYS",
                "1s,2s",
                "INTAKE_MAX_ATTEMPTS",
                "3"),
            List.of());
    assertThat(same.resultsRetryDelays())
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(same.resultsMaxAttempts()).isEqualTo(3);

    AppConfig apart =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "s",
                "INTAKE_RETRY_DELAYS",
                "1s,2s",
                "RESULTS_RETRY_DELAYS",
                "100ms",
                "RESULTS_MAX_ATTEMPTS",
                "20"),
            List.of());
    assertThat(apart.retryDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(apart.resultsRetryDelays()).containsExactly(Duration.ofMillis(100));
    assertThat(apart.resultsMaxAttempts()).isEqualTo(20);
    assertThat(apart.maxAttempts()).isEqualTo(8);
  }

  @Test
  void durationsTakeUnits() {
    AppConfig c =
        AppConfig.fromEnv(
            Map.of("GITHUB_WEBHOOK_SECRET", "s", "INTAKE_RETRY_DELAYS", "250ms,2s,1m"), List.of());
    assertThat(c.retryDelays())
        .containsExactly(Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(1));
  }

  @Test
  void toStringRedactsSecretsAndCredentials() {
    AppConfig c =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "hunter2-secret",
                "AMQP_URL",
                "amqp://user:pa55word@broker:5672/%2f"),
            List.of());
    assertThat(c.toString())
        .doesNotContain("hunter2-secret")
        .doesNotContain("pa55word")
        .contains("***@broker");
  }

  @Test
  void repositoryListsAndForkPolicy() {
    AppConfig defaults = AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of());
    assertThat(defaults.policy().repos().isOpen()).isTrue();
    assertThat(defaults.policy().forkPolicy())
        .isEqualTo(dev.solstice.integration.policy.ForkPolicy.MEMBERS);
    AppConfig c =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET",
                "s",
                "REPO_ALLOWLIST",
                "acme, partner/ci-*",
                "REPO_DENYLIST",
                "acme/secret",
                "FORK_PR_POLICY",
                "never"),
            List.of());
    assertThat(c.policy().repos().allows("acme/widgets")).isTrue();
    assertThat(c.policy().repos().allows("acme/secret")).isFalse();
    assertThat(c.policy().repos().allows("other/x")).isFalse();
    assertThat(c.policy().forkPolicy()).isEqualTo(dev.solstice.integration.policy.ForkPolicy.NEVER);
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "GITHUB_WEBHOOK_SECRET",
                        "s",
                        "FORK_PR_POLICY",
                        "sometimes",
                        "REPO_DENYLIST",
                        "a/b/c"),
                    List.of()))
        .hasMessageContaining("FORK_PR_POLICY")
        .hasMessageContaining("REPO_DENYLIST");
  }

  @Test
  void unknownFlagsAndMissingValuesAreReportedWithTheRest() {
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of("HTTP_ADDR", "x:1a"), List.of("--verbose", "--webhook-path")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> assertThat(p).isEqualTo("--verbose: unknown option (see --help)"))
                    .anySatisfy(p -> assertThat(p).startsWith("HTTP_ADDR:"))
                    .anySatisfy(p -> assertThat(p).startsWith("GITHUB_WEBHOOK_SECRET:")));
    assertThatThrownBy(
            () -> AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of("--http-addr")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.problems()).containsExactly("--http-addr: needs a value"));
  }

  @Test
  void helpFlagIsNotAConfigurationProblem() {
    assertThat(
            AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of("--help")).httpPort())
        .isEqualTo(8082);
  }

  @Test
  void redisKeysAndTheirLifetimesAreSettings() {
    RedisKeys defaults =
        AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of()).redisKeys();
    assertThat(defaults).isEqualTo(RedisKeys.DEFAULTS);
    assertThat(
            List.of(
                defaults.deliveries(),
                defaults.checkRuns(),
                defaults.runs(),
                defaults.missedDeliveries()))
        .containsExactly(
            "solstice:delivery:",
            "solstice:checkrun:",
            "solstice:runs:",
            "solstice:missed-deliveries:");
    RedisKeys custom =
        AppConfig.fromEnv(
                Map.of(
                    "GITHUB_WEBHOOK_SECRET",
                    "s",
                    "REDIS_KEY_PREFIX",
                    "staging:",
                    "CHECK_RUN_TTL",
                    "2d",
                    "RUN_STATE_TTL",
                    "12h"),
                List.of())
            .redisKeys();
    assertThat(custom.deliveries()).isEqualTo("staging:delivery:");
    assertThat(custom.checkRunTtl()).isEqualTo(Duration.ofDays(2));
    assertThat(custom.runTtl()).isEqualTo(Duration.ofHours(12));
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of("GITHUB_WEBHOOK_SECRET", "s", "CHECK_RUN_TTL", "forever"), List.of()))
        .hasMessageContaining("CHECK_RUN_TTL: expected a duration");
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of("GITHUB_WEBHOOK_SECRET", "s", "RUN_STATE_TTL", "0s"), List.of()))
        .hasMessageContaining("RUN_STATE_TTL: expected a duration longer than zero");
  }

  @Test
  void redisUrlIsValidatedOnce() {
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "GITHUB_WEBHOOK_SECRET",
                        "s",
                        "REDIS_URL",
                        "http://u:pw@r",
                        "TOKEN_CACHE_KEY",
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                        "GITHUB_APP_ID",
                        "1",
                        "GITHUB_APP_KEY",
                        "x"),
                    List.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .filteredOn(p -> p.startsWith("REDIS_URL:"))
                    .singleElement()
                    .asString()
                    .doesNotContain("pw"));
  }

  @Test
  void theRecordIsOffWithoutDatabaseUrlAndItsSettingsAreChecked() {
    AppConfig off = AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of());
    assertThat(off.record().enabled()).isFalse();
    assertThat(off.record().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(off.record().storePayloads()).isFalse();

    AppConfig on =
        AppConfig.fromEnv(
            Map.of(
                "GITHUB_WEBHOOK_SECRET", "s",
                "DATABASE_URL", "postgresql://solstice:db-pa55@db:5432/solstice",
                "DELIVERY_RETENTION", "7d"),
            List.of());
    assertThat(on.record().enabled()).isTrue();
    assertThat(on.record().retention()).isEqualTo(Duration.ofDays(7));
    assertThat(on.toString()).doesNotContain("db-pa55").contains("***@db:5432");

    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "GITHUB_WEBHOOK_SECRET", "s",
                        "DATABASE_URL", "mysql://db/solstice",
                        "DELIVERY_RETENTION", "-1d",
                        "STORE_PAYLOADS", "true"),
                    List.of()))
        .hasMessageContaining("DATABASE_URL")
        .hasMessageContaining("DELIVERY_RETENTION")
        .hasMessageContaining("STORE_PAYLOADS: true needs TOKEN_CACHE_KEY");
  }

  @Test
  void theGatewayIsOffByDefaultAndItsAddressAndAppAreChecked() {
    assertThat(AppConfig.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "s"), List.of()).gateway())
        .isNull();
    assertThatThrownBy(
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "GITHUB_WEBHOOK_SECRET",
                        "s",
                        "GATEWAY_ADDR",
                        "gw:80a",
                        "GATEWAY_TOKEN_GRACE",
                        "soon"),
                    List.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).startsWith("GATEWAY_TOKEN_GRACE:"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("GATEWAY_ADDR:").contains("GitHub App")));
  }
}
