/**
 * A GitHub REST API simulator, main code of the {@code dev.solstice:github-simulator} module: the
 * service's tests, the sandbox and the bench all run against it. It is GitHub, not a client of
 * ours, so it does not depend on {@code github-integration}; {@link
 * dev.solstice.simulator.github.RecordedWebhooks} serves the recorded webhook payloads.
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
 * dev.solstice.simulator.github.GitHubSimulator#clock}) to let tokens age without sleeping.
 */
package dev.solstice.simulator.github;
