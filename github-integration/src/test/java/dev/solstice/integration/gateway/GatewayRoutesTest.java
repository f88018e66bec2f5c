package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayRoutesTest {

  private final GatewayRoutes routes = GatewayRoutes.jobTokenRoutes();

  @Test
  void readsNeedReadAndEveryOtherMethodNeedsWriteOfTheRoutesPermission() {
    GatewayRoutes.Route get =
        routes.match("GET", "/repos/octo/hello/contents/src/Main.java").orElseThrow();
    assertThat(get.template()).isEqualTo("/repos/{owner}/{repo}/contents/{path}");
    assertThat(get.repository()).isEqualTo("octo/hello");
    assertThat(get.permission()).isEqualTo("contents");
    assertThat(get.level()).isEqualTo("read");
    GatewayRoutes.Route put =
        routes.match("PUT", "/repos/octo/hello/contents/README.md").orElseThrow();
    assertThat(put.level()).isEqualTo("write");
    assertThat(
            routes.match("POST", "/repos/octo/hello/issues/7/comments").orElseThrow().permission())
        .isEqualTo("issues");
    assertThat(routes.match("POST", "/repos/octo/hello/statuses/abc").orElseThrow().permission())
        .isEqualTo("statuses");
  }

  @Test
  void rateLimitAndMetaNeedNoPermissionAndUnknownRoutesAreRefused() {
    assertThat(routes.match("GET", "/rate_limit").orElseThrow().permission()).isNull();
    assertThat(routes.match("GET", "/meta").orElseThrow().repository()).isNull();
    assertThat(routes.match("GET", "/user")).isEmpty();
    assertThat(routes.match("DELETE", "/repos/octo/hello")).isEmpty();
    assertThat(routes.match("PUT", "/repos/octo/hello/collaborators/mallory")).isEmpty();
    assertThat(routes.match("POST", "/repos/octo/hello/commits")).isEmpty();
  }

  @Test
  void theUploadsHostTakesOnlyReleaseAssets() {
    GatewayRoutes.Route asset =
        routes.match("POST", "/uploads/repos/octo/hello/releases/9/assets").orElseThrow();
    assertThat(asset.upstream()).isEqualTo(GatewayRoutes.Upstream.UPLOADS);
    assertThat(asset.repository()).isEqualTo("octo/hello");
    assertThat(asset.permission()).isEqualTo("contents");
    assertThat(asset.level()).isEqualTo("write");
    assertThat(routes.match("GET", "/uploads/repos/octo/hello/releases/9/assets")).isEmpty();
    assertThat(routes.match("POST", "/uploads/repos/octo/hello/issues")).isEmpty();
  }

  @Test
  void pathsThatCouldReachAnotherRepositoryAreSuspicious() {
    assertThat(GatewayRoutes.suspicious("/repos/octo/hello/contents/README.md")).isFalse();
    assertThat(GatewayRoutes.suspicious("/repos/octo/hello/../other/contents/x")).isTrue();
    assertThat(GatewayRoutes.suspicious("/repos/octo/hello/contents/..%2F..%2Fother")).isTrue();
    assertThat(GatewayRoutes.suspicious("/repos/octo/hello/contents/%2e%2e/x")).isTrue();
    assertThat(GatewayRoutes.suspicious("/repos/octo//hello")).isTrue();
    assertThat(GatewayRoutes.suspicious("/repos/octo/hello\\..\\other")).isTrue();
    assertThat(GatewayRoutes.suspicious("repos/octo/hello")).isTrue();
  }

  @Test
  void theBearerAndTokenSchemesAreAcceptedAndNothingElse() {
    assertThat(GatewayVerticle.bearer("Bearer sjt_abc")).contains("sjt_abc");
    assertThat(GatewayVerticle.bearer("token sjt_abc")).contains("sjt_abc");
    assertThat(GatewayVerticle.bearer("Basic eDp5")).isEmpty();
    assertThat(GatewayVerticle.bearer("sjt_abc")).isEmpty();
    assertThat(GatewayVerticle.bearer(null)).isEmpty();
  }
}
