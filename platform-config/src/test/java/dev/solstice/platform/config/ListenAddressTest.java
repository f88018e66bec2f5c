package dev.solstice.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

  @Test
  void hostAndPortIpv6AndEveryInterface() {
    assertThat(ListenAddress.parse("127.0.0.1:8090"))
        .contains(new ListenAddress("127.0.0.1", 8090));
    assertThat(ListenAddress.parse("[::1]:0")).contains(new ListenAddress("::1", 0));
    assertThat(ListenAddress.parse(":8090")).contains(new ListenAddress("0.0.0.0", 8090));
  }

  @Test
  void refusesWhatNamesNoPort() {
    assertThat(ListenAddress.parse("gw:80a")).isEmpty();
    assertThat(ListenAddress.parse("gw:65536")).isEmpty();
    assertThat(ListenAddress.parse("gw:-1")).isEmpty();
    assertThat(ListenAddress.parse("gw:")).isEmpty();
  }
}
