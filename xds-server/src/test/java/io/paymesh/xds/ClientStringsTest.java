package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientStringsTest {

  @Test
  void forLog_whenPrintable_keepsItAsItIs() {
    assertThat(ClientStrings.forLog("checkout~pod-1")).isEqualTo("checkout~pod-1");
  }

  @Test
  void forLog_whenControlCharacters_escapesThemSoNoLineCanBeForged() {
    assertThat(ClientStrings.forLog("a\nERROR forged\u001b[31m\\"))
        .isEqualTo("a\\u000aERROR forged\\u001b[31m\\u005c")
        .doesNotContain("\n");
  }

  @Test
  void forLog_whenLong_truncatesAndSaysHowLong() {
    String logged = ClientStrings.forLog("x".repeat(10_000));
    assertThat(logged).startsWith("x".repeat(ClientStrings.MAX_LENGTH) + "...")
        .endsWith("(10000 chars)")
        .hasSizeLessThan(ClientStrings.MAX_LENGTH + 20);
  }

  @Test
  void forLog_whenNull_saysNone() {
    assertThat(ClientStrings.forLog(null)).isEqualTo("<none>");
  }

  @Test
  void quoted_escapesControlCharactersAndItsOwnQuote() {
    assertThat(ClientStrings.quoted("checkout")).isEqualTo("'checkout'");
    assertThat(ClientStrings.quoted("check\nout")).isEqualTo("'check\\u000aout'");
    assertThat(ClientStrings.quoted("a' b\\")).isEqualTo("'a\\u0027 b\\u005c'");
    assertThat(ClientStrings.quoted(null)).isEqualTo("null");
  }

  @Test
  void quoted_whenLong_truncatesInsideTheQuotesAndSaysHowLong() {
    assertThat(ClientStrings.quoted("y".repeat(1_000)))
        .isEqualTo("'" + "y".repeat(ClientStrings.MAX_QUOTED_LENGTH) + "'...(1000 chars)");
  }
}
