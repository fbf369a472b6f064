package io.paymesh.admin.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.admin.http.CredentialParameters;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void redact_replacesBearerAndAuthorizationValues() {
    assertThat(CredentialLogGuard.redact("Authorization: Bearer abc.def-ghi, next"))
        .isEqualTo("Authorization: Bearer REDACTED, next");
    assertThat(CredentialLogGuard.redact("headers={authorization=bearer xyz}"))
        .isEqualTo("headers={authorization=bearer REDACTED}");
    assertThat(CredentialLogGuard.redact("token was Bearer s3cr3t"))
        .isEqualTo("token was Bearer REDACTED");
  }

  @Test
  void redact_replacesCredentialQueryParameters_andKeepsOthers() {
    assertThat(CredentialLogGuard.redact("GET /v1/x?limit=5&ACCESS_TOKEN=t0k&after=3 HTTP/1.1"))
        .isEqualTo("GET /v1/x?limit=5&ACCESS_TOKEN=REDACTED&after=3 HTTP/1.1");
    assertThat(CredentialLogGuard.redact("GET /v1/x?namePrefix=pay")).isEqualTo(
        "GET /v1/x?namePrefix=pay");
  }

  @Test
  void credentialParameters_redactQueryStrings() {
    assertThat(CredentialParameters.redact("a=1&api_key=k&Session=s&access%5Ftoken=t&b"))
        .isEqualTo("a=1&api_key=REDACTED&Session=REDACTED&access%5Ftoken=REDACTED&b");
    assertThat(CredentialParameters.redact("limit=5")).isEqualTo("limit=5");
    assertThat(CredentialParameters.redact(null)).isNull();
    assertThat(CredentialParameters.firstIn("x=1&JWT=abc")).contains("jwt");
    assertThat(CredentialParameters.firstIn("keys=1&tokens=2")).isEmpty();
  }
}
