package dev.solstice.integration.github;

import static dev.solstice.integration.github.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.OpenApiSubset;
import io.jsonwebtoken.Jwts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator answers like GitHub: auth checks, schema checks, shapes, rate-limit headers. */
@ExtendWith(VertxExtension.class)
class GitHubSimulatorTest {
  GitHubSimulator sim;
  WebClient http;

  @BeforeEach
  void start(Vertx vertx) {
    sim = await(GitHubSimulator.start(vertx));
    sim.installation(1, "o/r");
    http = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    http.close();
    await(sim.close());
  }

  String jwt(Instant iat, Instant exp, String iss) {
    return Jwts.builder()
        .issuer(iss)
        .issuedAt(Date.from(iat))
        .expiration(Date.from(exp))
        .signWith(sim.app().privateKey(), Jwts.SIG.RS256)
        .compact();
  }

  HttpResponse<Buffer> mint(String jwt, JsonObject body) {
    return await(
        http.postAbs(sim.baseUrl() + "/app/installations/1/access_tokens")
            .putHeader("Authorization", "Bearer " + jwt)
            .sendJsonObject(body));
  }

  String token() {
    Instant now = Instant.now();
    return mint(jwt(now.minusSeconds(60), now.plusSeconds(540), "4242"), new JsonObject())
        .bodyAsJsonObject()
        .getString("token");
  }

  @Test
  void jwtIsChecked() {
    Instant now = Instant.now();
    assertThat(
            mint(jwt(now.minusSeconds(60), now.plusSeconds(540), "4242"), new JsonObject())
                .statusCode())
        .isEqualTo(201);
    HttpResponse<Buffer> tooLong =
        mint(jwt(now, now.plus(Duration.ofMinutes(20)), "4242"), new JsonObject());
    assertThat(tooLong.statusCode()).isEqualTo(401);
    assertThat(tooLong.bodyAsJsonObject().getString("message")).contains("too far in the future");
    assertThat(
            mint(jwt(now.minusSeconds(700), now.minusSeconds(100), "4242"), new JsonObject())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            mint(jwt(now, now.plusSeconds(300), "1"), new JsonObject())
                .bodyAsJsonObject()
                .getString("message"))
        .isEqualTo("Integration not found");
    String foreign =
        Jwts.builder()
            .issuer("4242")
            .issuedAt(Date.from(now))
            .expiration(Date.from(now.plusSeconds(300)))
            .signWith(GitHubSimulator.newApp().privateKey(), Jwts.SIG.RS256)
            .compact();
    assertThat(mint(foreign, new JsonObject()).statusCode()).isEqualTo(401);
  }

  @Test
  void tokensExpire() {
    sim.tokenLifetime(Duration.ZERO);
    String t = token();
    sim.putFile("o/r", "s", "f", "x");
    HttpResponse<Buffer> r =
        await(
            http.getAbs(sim.baseUrl() + "/repos/o/r/contents/f?ref=s")
                .putHeader("Authorization", "Bearer " + t)
                .send());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.bodyAsJsonObject().getString("message")).isEqualTo("Bad credentials");
    assertThat(r.bodyAsJsonObject().getString("documentation_url"))
        .startsWith("https://docs.github.com");
  }

  @Test
  void requestBodiesAreValidatedAgainstGitHubsSchema() {
    String t = token();
    HttpResponse<Buffer> noSha =
        await(
            http.postAbs(sim.baseUrl() + "/repos/o/r/check-runs")
                .putHeader("Authorization", "Bearer " + t)
                .sendJsonObject(new JsonObject().put("name", "ci")));
    assertThat(noSha.statusCode()).isEqualTo(422);
    HttpResponse<Buffer> badStatus =
        await(
            http.postAbs(sim.baseUrl() + "/repos/o/r/check-runs")
                .putHeader("Authorization", "Bearer " + t)
                .sendJsonObject(
                    new JsonObject().put("name", "ci").put("head_sha", "a").put("status", "done")));
    assertThat(badStatus.statusCode()).isEqualTo(422);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 51; i++) {
      tooMany.add(
          new JsonObject()
              .put("path", "p")
              .put("start_line", 1)
              .put("end_line", 1)
              .put("annotation_level", "notice")
              .put("message", "m"));
    }
    HttpResponse<Buffer> fiftyOne =
        await(
            http.postAbs(sim.baseUrl() + "/repos/o/r/check-runs")
                .putHeader("Authorization", "Bearer " + t)
                .sendJsonObject(
                    new JsonObject()
                        .put("name", "ci")
                        .put("head_sha", "a")
                        .put(
                            "output",
                            new JsonObject()
                                .put("title", "t")
                                .put("summary", "s")
                                .put("annotations", tooMany))));
    assertThat(fiftyOne.statusCode()).isEqualTo(422);
    assertThat(sim.schemaViolations()).hasSize(3);
    assertThat(sim.schemaViolations().get(0)).contains("head_sha");
  }

  @Test
  void responsesCarryTheKeysGitHubsDescriptionRequires() {
    OpenApiSubset spec = OpenApiSubset.load();
    String t = token();
    JsonObject run =
        await(
                http.postAbs(sim.baseUrl() + "/repos/o/r/check-runs")
                    .putHeader("Authorization", "Bearer " + t)
                    .sendJsonObject(new JsonObject().put("name", "ci").put("head_sha", "a")))
            .bodyAsJsonObject();
    assertThat(run.fieldNames()).containsAll(spec.responseRequired("checks/create"));
    JsonObject issue =
        await(
                http.postAbs(sim.baseUrl() + "/repos/o/r/issues")
                    .putHeader("Authorization", "Bearer " + t)
                    .sendJsonObject(new JsonObject().put("title", "x")))
            .bodyAsJsonObject();
    assertThat(issue.fieldNames()).containsAll(spec.responseRequired("issues/create"));
    JsonObject comment =
        await(
                http.postAbs(sim.baseUrl() + "/repos/o/r/issues/1/comments")
                    .putHeader("Authorization", "Bearer " + t)
                    .sendJsonObject(new JsonObject().put("body", "x")))
            .bodyAsJsonObject();
    assertThat(comment.fieldNames()).containsAll(spec.responseRequired("issues/create-comment"));
    Instant now = Instant.now();
    String jwt = jwt(now.minusSeconds(60), now.plusSeconds(540), "4242");
    sim.addHookDelivery("push", null, 200);
    JsonArray deliveries =
        await(
                http.getAbs(sim.baseUrl() + "/app/hook/deliveries")
                    .putHeader("Authorization", "Bearer " + jwt)
                    .send())
            .bodyAsJsonArray();
    assertThat(deliveries.getJsonObject(0).fieldNames())
        .containsAll(spec.responseRequired("apps/list-webhook-deliveries"));
    JsonObject app =
        await(
                http.getAbs(sim.baseUrl() + "/app")
                    .putHeader("Authorization", "Bearer " + jwt)
                    .send())
            .bodyAsJsonObject();
    assertThat(app.fieldNames()).containsAll(spec.responseRequired("apps/get-authenticated"));
    assertThat(sim.schemaViolations()).isEmpty();
  }

  @Test
  void rateLimitHeadersCountDownAndRunOut() {
    String t = token();
    sim.putFile("o/r", "s", "f", "x");
    HttpResponse<Buffer> first =
        await(
            http.getAbs(sim.baseUrl() + "/repos/o/r/contents/f?ref=s")
                .putHeader("Authorization", "Bearer " + t)
                .send());
    assertThat(first.getHeader("x-ratelimit-remaining")).isEqualTo("4999");
    assertThat(first.getHeader("x-ratelimit-used")).isEqualTo("1");
    assertThat(first.getHeader("x-ratelimit-resource")).isEqualTo("core");
    assertThat(first.getHeader("date")).isNotNull();
    assertThat(first.getHeader("etag")).isNotNull();
    sim.rateLimitRemaining(1, 0);
    HttpResponse<Buffer> out =
        await(
            http.getAbs(sim.baseUrl() + "/repos/o/r/contents/f?ref=s")
                .putHeader("Authorization", "Bearer " + t)
                .send());
    assertThat(out.statusCode()).isEqualTo(403);
    assertThat(out.getHeader("x-ratelimit-remaining")).isEqualTo("0");
    assertThat(out.bodyAsJsonObject().getString("message")).startsWith("API rate limit exceeded");
  }

  @Test
  void graphQlAnswersInGitHubsShapeAndHidesWhatTheTokenCannotSee() {
    sim.graphql().pullRequest("o/r", 7, "Fix it", "MERGED");
    String query =
        "query($n: Int!) { repository(owner: \"o\", name: \"r\") { pullRequest(number: $n)"
            + " { number title state } } }";
    HttpResponse<Buffer> ok = graphql(token(), query, new JsonObject().put("n", 7));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getJsonObject("data"))
        .isEqualTo(
            new JsonObject()
                .put(
                    "repository",
                    new JsonObject()
                        .put(
                            "pullRequest",
                            new JsonObject()
                                .put("number", 7)
                                .put("title", "Fix it")
                                .put("state", "MERGED"))));

    JsonObject hidden =
        graphql(token(), "{ repository(owner: \"o\", name: \"x\") { nameWithOwner } }", null)
            .bodyAsJsonObject();
    assertThat(hidden.getJsonObject("data").getValue("repository")).isNull();
    JsonObject error = hidden.getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("message"))
        .isEqualTo("Could not resolve to a Repository with the name 'o/x'.");
    assertThat(error.getJsonArray("path")).containsExactly("repository");

    assertThat(graphql(null, "{ __typename }", null).statusCode()).isEqualTo(401);
    assertThat(
            await(
                    http.postAbs(sim.baseUrl() + "/graphql")
                        .putHeader("Authorization", "token " + token())
                        .sendBuffer(Buffer.buffer("{")))
                .statusCode())
        .isEqualTo(400);
  }

  HttpResponse<Buffer> graphql(String token, String query, JsonObject variables) {
    var req = http.postAbs(sim.baseUrl() + "/graphql");
    if (token != null) {
      req.putHeader("Authorization", "bearer " + token);
    }
    JsonObject body = new JsonObject().put("query", query);
    if (variables != null) {
      body.put("variables", variables);
    }
    return await(req.sendJsonObject(body));
  }
}
