package dev.solstice.integration.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepoAccessTest {

  @Test
  void emptyListsServeEveryRepository() {
    assertThat(RepoAccess.allowAll().allows("any/repo")).isTrue();
    assertThat(RepoAccess.of(List.of(), List.of()).isOpen()).isTrue();
  }

  @Test
  void allowlistOfOwnersAndGlobsCaseInsensitive() {
    RepoAccess access = RepoAccess.of(List.of("acme", "partner/ci-*"), List.of());
    assertThat(access.allows("acme/widgets")).isTrue();
    assertThat(access.allows("ACME/Widgets")).isTrue();
    assertThat(access.allows("partner/ci-tools")).isTrue();
    assertThat(access.allows("partner/website")).isFalse();
    assertThat(access.refusal("stranger/repo")).get().asString().contains("REPO_ALLOWLIST");
  }

  @Test
  void denylistWinsOverAllowlist() {
    RepoAccess access = RepoAccess.of(List.of("acme"), List.of("acme/secret-*", "spammer"));
    assertThat(access.allows("acme/widgets")).isTrue();
    assertThat(access.refusal("acme/secret-sauce"))
        .get()
        .asString()
        .contains("REPO_DENYLIST")
        .contains("acme/secret-*");
    assertThat(RepoAccess.of(List.of(), List.of("spammer")).allows("Spammer/x")).isFalse();
  }

  @Test
  void refusesEntriesWithTwoSlashes() {
    assertThatThrownBy(() -> RepoAccess.of(List.of("a/b/c"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forkPolicyParsesAndDecides() {
    assertThat(ForkPolicy.parse(" Members ")).isEqualTo(ForkPolicy.MEMBERS);
    assertThatThrownBy(() -> ForkPolicy.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class);
    for (String trusted : List.of("OWNER", "MEMBER", "COLLABORATOR")) {
      assertThat(ForkPolicy.MEMBERS.allows(trusted)).isTrue();
      assertThat(ForkPolicy.NEVER.allows(trusted)).isFalse();
    }
    for (String other :
        List.of("CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "NONE", "MANNEQUIN")) {
      assertThat(ForkPolicy.MEMBERS.allows(other)).isFalse();
      assertThat(ForkPolicy.ALWAYS.allows(other)).isTrue();
    }
    assertThat(ForkPolicy.MEMBERS.allows(null)).isFalse();
  }

  @Test
  void skipMarkersAnywhereAnyCase() {
    assertThat(SkipMarkers.find("Fix typo [skip ci]")).contains("[skip ci]");
    assertThat(SkipMarkers.find("Docs\n\n[CI SKIP]")).contains("[ci skip]");
    assertThat(SkipMarkers.find("[no ci] wip")).contains("[no ci]");
    assertThat(SkipMarkers.find("bump [skip solstice]")).contains("[skip solstice]");
    assertThat(SkipMarkers.find("skip ci without brackets")).isEmpty();
    assertThat(SkipMarkers.find(null)).isEmpty();
  }
}
