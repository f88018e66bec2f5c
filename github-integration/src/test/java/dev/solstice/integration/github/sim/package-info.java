/**
 * A GitHub REST API simulator for tests, shipped in this module's test-jar so other modules can
 * reuse it ({@code <type>test-jar</type>} of {@code dev.solstice:github-integration}).
 *
 * <pre>{@code
 * GitHubSimulator sim = GitHubSimulator.start(vertx).toCompletionStage().toCompletableFuture().get();
 * sim.installation(42, "acme/widgets");                       // app installed on one repository
 * sim.putFile("acme/widgets", sha, ".solstice/ci.kdl", kdl);  // contents per repository and SHA
 * GitHubClient client = WebClientGitHubClient.builder(vertx)
 *     .apiBase(sim.baseUrl())
 *     .app(sim.app().id(), sim.app().privateKey())           // or sim.app().pkcs1Pem() for env-based config
 *     .build();
 * sim.inject(Fault.status(502).times(2).on("POST", "/repos/.+/check-runs"));
 * ...
 * assertThat(sim.count("checks/create")).isEqualTo(3);         // GitHub API calls, by operation id
 * assertThat(sim.checkRuns("acme/widgets")).hasSize(1);
 * assertThat(sim.schemaViolations()).isEmpty();               // bodies GitHub would have rejected
 * }</pre>
 *
 * <p>Share a {@code Clock} with the client ({@link
 * dev.solstice.integration.github.sim.GitHubSimulator#clock}) to let tokens age without sleeping.
 */
package dev.solstice.integration.github.sim;
