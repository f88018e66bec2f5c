package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Address;
import dev.solstice.platform.config.EnvReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerAddressesTest {

  @Test
  void readsOneUrlAsOneNode() {
    BrokerAddresses b = BrokerAddresses.parse("amqp://guest:guest@127.0.0.1:5672/%2f");

    assertThat(b.addresses()).containsExactly(new Address("127.0.0.1", 5672));
    assertThat(b.clustered()).isFalse();
    assertThat(b.primary().getRawPath()).isEqualTo("/%2f");
  }

  @Test
  void readsCommaSeparatedUrlsOfOneCluster() {
    BrokerAddresses b =
        BrokerAddresses.parse(
            "amqp://bot:pw@10.0.0.1:5681/ci, amqp://bot:pw@10.0.0.2:5682/ci,amqp://bot:pw@node-c/ci");

    assertThat(b.addresses())
        .containsExactly(
            new Address("10.0.0.1", 5681),
            new Address("10.0.0.2", 5682),
            new Address("node-c", -1));
    assertThat(b.clustered()).isTrue();
  }

  @Test
  void readsHostPortEntriesAfterTheFirstUrl() {
    BrokerAddresses b =
        BrokerAddresses.parse(
            "amqps://bot:pw@a.example:5671/ci,b.example:5671,c.example,[::1]:5673");

    assertThat(b.addresses())
        .containsExactly(
            new Address("a.example", 5671),
            new Address("b.example", 5671),
            new Address("c.example", -1),
            new Address("[::1]", 5673));
    assertThat(b.primary().getScheme()).isEqualTo("amqps");
  }

  @Test
  void refusesUrlsThatDisagreeOnUserOrVirtualHost() {
    assertThatThrownBy(
            () -> BrokerAddresses.parse("amqp://bot:pw@a:5681/ci,amqp://other:pw@b:5682/ci"))
        .hasMessageContaining("share scheme, user and virtual host")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> BrokerAddresses.parse("amqp://bot:pw@a:5681/ci,amqp://bot:pw@b/x"))
        .hasMessageContaining("share scheme, user and virtual host");
    assertThatThrownBy(() -> BrokerAddresses.parse("amqp://a:5681/ci,amqps://b/ci"))
        .hasMessageContaining("share scheme");
  }

  @Test
  void refusesAListThatDoesNotStartWithAUrl() {
    assertThatThrownBy(() -> BrokerAddresses.parse("a:5681,b:5682"))
        .hasMessage("expected an amqp or amqps URL with a host");
    assertThatThrownBy(() -> BrokerAddresses.parse(" , ")).hasMessageContaining("expected an amqp");
    assertThatThrownBy(() -> BrokerAddresses.parse("amqp://a/ci,b:notaport"))
        .hasMessageContaining("host[:port]");
  }

  @Test
  void redactsEveryPassword() {
    BrokerAddresses b =
        BrokerAddresses.parse("amqp://bot:s3cret@a:5681/ci,amqp://bot:s3cret@b:5682/ci,c:5683");

    assertThat(b.redacted())
        .doesNotContain("s3cret")
        .isEqualTo("amqp://bot:***@a:5681/ci,b:5682,c:5683");
    assertThat(b.toString()).doesNotContain("s3cret");
  }

  @Test
  void namesTheVariableWithoutRepeatingThePassword() {
    EnvReader in = new EnvReader(Map.of("AMQP_URL", "amqp://bot:s3cret@a/ci,amqp://x:s3cret@b/ci"));

    assertThat(BrokerAddresses.read(in, "AMQP_URL", "amqp://localhost")).isNull();
    assertThat(in.errors())
        .singleElement()
        .asString()
        .startsWith("AMQP_URL: ")
        .doesNotContain("s3cret");
  }

  @Test
  void fallsBackWhenUnset() {
    EnvReader in = new EnvReader(Map.of());

    assertThat(BrokerAddresses.read(in, "AMQP_URL", "amqp://127.0.0.1:5672/%2f").addresses())
        .containsExactly(new Address("127.0.0.1", 5672));
    assertThat(in.errors()).isEmpty();
  }
}
