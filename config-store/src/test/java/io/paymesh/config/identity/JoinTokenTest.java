package io.paymesh.config.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JoinTokenTest {

  @Test
  void generate_gives43CharactersOfUrlSafeBase64For32Bytes_andParseReadsThemBack() {
    JoinToken token = JoinToken.generate();

    String text = token.reveal();

    assertThat(text).hasSize(JoinToken.TEXT_LENGTH).matches("[A-Za-z0-9_-]{43}");
    assertThat(Base64.getUrlDecoder().decode(text)).hasSize(32);
    JoinToken parsed = JoinToken.parse(text);
    assertThat(parsed).isEqualTo(token).hasSameHashCodeAs(token);
    assertThat(parsed.sha256Hex()).isEqualTo(token.sha256Hex());
  }

  @Test
  void generate_isRandom() {
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      texts.add(JoinToken.generate().reveal());
    }
    assertThat(texts).hasSize(1000);
  }

  @Test
  void sha256Hex_isTheDigestOfTheBytes_notOfTheText() throws Exception {
    JoinToken token = JoinToken.generate();
    byte[] bytes = Base64.getUrlDecoder().decode(token.reveal());

    assertThat(token.sha256Hex())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
        .matches("[0-9a-f]{64}");
    assertThat(token.fingerprint()).isEqualTo(token.sha256Hex().substring(0, 12));
  }

  @Test
  void toString_isRedacted() {
    JoinToken token = JoinToken.generate();

    assertThat(token.toString())
        .isEqualTo("JoinToken[redacted, fingerprint=" + token.fingerprint() + "]")
        .doesNotContain(token.reveal());
    IssuedJoinToken issued = new IssuedJoinToken(token, "checkout",
        java.time.Instant.EPOCH, 7);
    assertThat(issued.toString()).doesNotContain(token.reveal()).contains("redacted");
  }

  @Test
  void equals_comparesTheSecret() {
    JoinToken a = JoinToken.generate();
    JoinToken b = JoinToken.generate();

    assertThat(a).isNotEqualTo(b).isNotEqualTo(a.reveal());
    assertThat(JoinToken.parse(a.reveal())).isEqualTo(a);
  }

  @Test
  void parse_whenLengthIsWrong_saysWhatIsExpected_withoutEchoingTheText() {
    String almost = JoinToken.generate().reveal() + "x";

    Throwable e = catchThrowable(() -> JoinToken.parse(almost));

    assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessage(
        "join token: expected 43 characters of URL-safe base64 (A-Z a-z 0-9 - _) encoding 32 "
            + "bytes, got 44 characters");
    assertThat(e.getMessage()).doesNotContain(almost.substring(0, 8));
  }

  @Test
  void parse_whenCharactersAreOutsideTheAlphabet_isRefusedWithoutEchoing() {
    String secret = JoinToken.generate().reveal();
    String typo = secret.substring(0, 42) + "!";

    Throwable e = catchThrowable(() -> JoinToken.parse(typo));

    assertThat(e).isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got other characters")
        .hasNoCause();
    assertThat(e.getMessage()).doesNotContain(secret.substring(0, 8)).doesNotContain("!");
  }

  @Test
  void parse_whenSpareBitsAreSet_isRefused() {
    // 'A' ends the canonical encoding of 32 zero bytes; 'B' sets a spare bit of the last char.
    String canonical = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    String nonCanonical = canonical.substring(0, 42) + "B";

    assertThat(JoinToken.parse(canonical).reveal()).isEqualTo(canonical);
    assertThatThrownBy(() -> JoinToken.parse(nonCanonical))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got a non-canonical encoding");
  }

  @Test
  void parse_standardBase64Alphabet_isRefused() {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) 0xfb; // '+' or '/' in the standard alphabet
    String standard = Base64.getEncoder().withoutPadding().encodeToString(bytes);

    assertThat(standard).containsAnyOf("+", "/");
    assertThatThrownBy(() -> JoinToken.parse(standard))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(standard.getBytes(StandardCharsets.US_ASCII)).hasSize(43);
  }
}
