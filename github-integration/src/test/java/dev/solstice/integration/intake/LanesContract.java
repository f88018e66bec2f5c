package dev.solstice.integration.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.WebhookDelivery;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link InstallationLanes} does: FIFO lanes, one turn each, served round-robin. */
abstract class LanesContract {

  abstract InstallationLanes lanes();

  /** A little after now: set-aside heads have settled ({@code SETTLE_MS}). */
  private final long t = System.currentTimeMillis() + 10_000;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  static WebhookDelivery delivery(String id) {
    return new WebhookDelivery(
        id,
        "push",
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
        Instant.parse("2026-12-07T10:00:00Z"),
        1);
  }

  @Test
  void servesEachInstallationInOrderAndInstallationsInTurn() throws Exception {
    InstallationLanes l = lanes();
    for (int i = 0; i < 3; i++) {
      assertThat(await(l.setAside("1", null, delivery("a" + i), 0))).isTrue();
    }
    assertThat(await(l.setAside("2", null, delivery("b0"), 0))).isTrue();
    List<String> served = new ArrayList<>();
    long now = t;
    for (InstallationLanes.Turn t = await(l.nextTurn(now)); t != null; t = await(l.nextTurn(now))) {
      served.add(t.head().deliveryId());
      assertThat(new String(t.head().body(), StandardCharsets.UTF_8))
          .contains(t.head().deliveryId());
      await(t.finish(++now)); // the lane goes to the back
    }
    assertThat(served).containsExactly("a0", "b0", "a1", "a2");
    assertThat(await(l.isEmpty("1"))).isTrue();
    assertThat(await(l.lanes())).isZero();
  }

  @Test
  void oneTurnPerInstallationAtATime() throws Exception {
    InstallationLanes l = lanes();
    await(l.setAside("1", null, delivery("a0"), 0));
    await(l.setAside("1", null, delivery("a1"), 0));
    InstallationLanes.Turn first = await(l.nextTurn(t));
    assertThat(first.head().deliveryId()).isEqualTo("a0");
    assertThat(await(l.nextTurn(t + 1_000_000))).isNull();
    await(first.giveBack(t)); // kept: the same head again
    InstallationLanes.Turn again = await(l.nextTurn(t + 2_000_000));
    assertThat(again.head().deliveryId()).isEqualTo("a0");
    await(again.finish(0));
  }

  @Test
  void aLaneWaitsForItsReadyTime() throws Exception {
    InstallationLanes l = lanes();
    await(l.setAside("1", null, delivery("a0"), t + 5_000));
    assertThat(await(l.nextTurn(t + 4_999))).isNull();
    assertThat(await(l.nextTurn(t + 5_000)).head().deliveryId()).isEqualTo("a0");
  }

  @Test
  void aDeliveryIsSetAsideOnceAndKnownWhileItWaits() throws Exception {
    InstallationLanes l = lanes();
    assertThat(await(l.setAside("1", null, delivery("a0"), 0))).isTrue();
    assertThat(await(l.setAside("1", null, delivery("a0"), 0))).isFalse();
    assertThat(await(l.holds("a0"))).isTrue();
    assertThat(await(l.isEmpty("1"))).isFalse();
    assertThat(await(l.deepest(10))).containsExactly(new InstallationLanes.Depth("1", 1));
    await(await(l.nextTurn(t)).finish(t));
    assertThat(await(l.holds("a0"))).isFalse();
  }

  @Test
  void aNewerHeadOfTheGroupSupersedesAnOlderOne() throws Exception {
    InstallationLanes l = lanes();
    await(l.setAside("1", "acme/w:refs/heads/main", delivery("a0"), 0));
    await(l.setAside("1", "acme/w:refs/heads/main", delivery("a1"), 0));
    assertThat(await(l.supersededInLane("acme/w:refs/heads/main", "a0"))).isTrue();
    assertThat(await(l.supersededInLane("acme/w:refs/heads/main", "a1"))).isFalse();
    assertThat(await(l.supersededInLane("acme/w:refs/heads/other", "a0"))).isFalse();
  }

  @Test
  void aHeadJustSetAsideWaitsForDeliveriesReceivedBeforeIt() throws Exception {
    InstallationLanes l = lanes();
    java.time.Instant received = Instant.parse("2026-12-07T10:00:00Z");
    WebhookDelivery later =
        new WebhookDelivery("later", "push", new byte[] {'{', '}'}, received.plusMillis(5), 1);
    WebhookDelivery earlier =
        new WebhookDelivery("earlier", "push", new byte[] {'{', '}'}, received, 1);
    await(l.setAside("1", null, later, 0));
    // not served yet: another intake slot may still be setting aside what was received before it
    assertThat(await(l.nextTurn(System.currentTimeMillis()))).isNull();
    await(l.setAside("1", null, earlier, 0));
    assertThat(await(l.nextTurn(t)).head().deliveryId()).isEqualTo("earlier");
  }
}
