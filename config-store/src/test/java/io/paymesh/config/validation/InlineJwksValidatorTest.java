package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.requestAuthentication;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.RequestAuthentication;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An issuer's inline JSON Web Key Set: public keys only, reported by path, and no error ever
 * quotes the key material it refuses.
 */
class InlineJwksValidatorTest {
  private static final String RSA_N = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbf";
  private static final String EC_PUBLIC = "{\"kty\":\"EC\",\"crv\":\"P-256\","
      + "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
      + "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\"}";
  private static final String RSA_PUBLIC =
      "{\"kty\":\"RSA\",\"n\":\"" + RSA_N + "\",\"e\":\"AQAB\",\"kid\":\"2026-01\"}";
  /** Private values a leaking error would quote. */
  private static final String SECRET_D = "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH";
  private static final String SECRET_P = "83i-7IvMGXoMXCskv73TKr8637FiO7Z27zv8oj6pbWUQyLPQ";
  private static final String SECRET_K = "GawgguFyGrWKav7AX4VKUg";

  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(String jwks) {
    RequestAuthentication ra = requestAuthentication(a -> a.issuers = List.of(
        new RequestAuthentication.JwtIssuer("https://auth.paymesh.example",
            List.of("payments-api"), new RequestAuthentication.Jwks.Inline(jwks),
            Optional.empty(), List.of())));
    return validator.validate(ra).stream().map(ValidationError::toString).toList();
  }

  @Test
  void validate_whenPublicRsaAndEcKeys_reportsNothing() {
    assertThat(errors("{\"keys\":[" + RSA_PUBLIC + "," + EC_PUBLIC + "]}")).isEmpty();
    assertThat(errors("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
        + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}")).isEmpty();
  }

  @Test
  void validate_whenPrivateRsaKey_reportsTheMembersByName_neverTheirValues() {
    String privateRsa = "{\"kty\":\"RSA\",\"n\":\"" + RSA_N + "\",\"e\":\"AQAB\",\"d\":\""
        + SECRET_D + "\",\"p\":\"" + SECRET_P + "\",\"q\":\"abc\",\"dp\":\"abc\",\"dq\":\"abc\","
        + "\"qi\":\"abc\"}";

    List<String> errors = errors("{\"keys\":[" + RSA_PUBLIC + "," + privateRsa + "]}");

    assertThat(errors).containsExactly("issuers[0].jwks.keys[1]: must not contain private key"
        + " material (d, dp, dq, p, q, qi); publish only the public key");
    assertThat(String.join("\n", errors)).doesNotContain(SECRET_D).doesNotContain(SECRET_P)
        .doesNotContain(RSA_N);
  }

  @Test
  void validate_whenPrivateEcKey_reportsD() {
    String privateEc = EC_PUBLIC.replace("}", ",\"d\":\"" + SECRET_D + "\"}");
    List<String> errors = errors("{\"keys\":[" + privateEc + "]}");
    assertThat(errors).containsExactly("issuers[0].jwks.keys[0]: must not contain private key"
        + " material (d); publish only the public key");
    assertThat(String.join("\n", errors)).doesNotContain(SECRET_D);
  }

  @Test
  void validate_whenSymmetricOctKey_reportsKAndTheKeyType() {
    List<String> errors = errors("{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + SECRET_K + "\"}]}");
    assertThat(errors).containsExactly(
        "issuers[0].jwks.keys[0]: must not contain private key material (k); publish only the"
            + " public key",
        "issuers[0].jwks.keys[0].kty: must be one of [RSA, EC, OKP]");
    assertThat(String.join("\n", errors)).doesNotContain(SECRET_K);
  }

  @Test
  void validate_whenNotJson_reportsLineAndColumnOnly_neverTheText() {
    String broken = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + SECRET_K + "\" oops}]}";
    List<String> errors = errors(broken);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0))
        .matches("issuers\\[0\\]\\.jwks: must be a JSON Web Key Set: not valid JSON"
            + " \\(line 1, column \\d+\\)")
        .doesNotContain(SECRET_K).doesNotContain("oops");
    assertThat(errors("{\"keys\":[], \"keys\":[]}")).containsExactly(
        "issuers[0].jwks: must be a JSON Web Key Set: not valid JSON (line 1, column 19)");
    assertThat(errors("{\"keys\":[" + EC_PUBLIC + "]} trailing")).hasSize(1)
        .allMatch(e -> e.startsWith("issuers[0].jwks: must be a JSON Web Key Set: not valid"));
  }

  @Test
  void validate_whenNotAKeySet_reportsTheShape() {
    assertThat(errors("[" + EC_PUBLIC + "]")).containsExactly(
        "issuers[0].jwks: must be a JSON Web Key Set: an object {\"keys\": [...]}");
    assertThat(errors(EC_PUBLIC)).containsExactly(
        "issuers[0].jwks: must be a JSON Web Key Set: an object {\"keys\": [...]}");
    assertThat(errors("")).containsExactly(
        "issuers[0].jwks: must be a JSON Web Key Set: an object {\"keys\": [...]}");
    assertThat(errors("{\"keys\":[]}"))
        .containsExactly("issuers[0].jwks.keys: must not be empty");
    assertThat(errors("{\"keys\":[\"AQAB\"]}"))
        .containsExactly("issuers[0].jwks.keys[0]: must be an object");
  }

  @Test
  void validate_whenPublicMembersMissing_reportsEach() {
    assertThat(errors("{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\"},"
        + "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"\",\"y\":7},{\"n\":\"x\"}]}"))
        .containsExactly(
            "issuers[0].jwks.keys[0].n: required",
            "issuers[0].jwks.keys[1].x: must be a non-empty string",
            "issuers[0].jwks.keys[1].y: must be a non-empty string",
            "issuers[0].jwks.keys[2].kty: must be one of [RSA, EC, OKP]");
  }

  @Test
  void jwksRules_onItsOwn_reportPathsRelativeToTheKeySet() {
    assertThat(JwksRules.check("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\","
        + "\"y\":\"b\",\"d\":\"" + SECRET_D + "\"}]}"))
        .extracting(ValidationError::toString)
        .containsExactly("keys[0]: must not contain private key material (d); publish only the"
            + " public key");
  }
}
