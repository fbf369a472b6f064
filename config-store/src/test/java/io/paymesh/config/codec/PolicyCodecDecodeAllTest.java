package io.paymesh.config.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.config.validation.Fixtures;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCodecDecodeAllTest {
  private final PolicyCodec codec = new PolicyCodec();

  private List<String> errors(String text) {
    PolicyValidationException e =
        catchThrowableOfType(PolicyValidationException.class, () -> codec.decodeAll(text));
    assertThat(e).as("decodeAll should fail").isNotNull();
    return e.errors().stream().map(ValidationError::toString).toList();
  }

  @Test
  void decodeAll_whenBriefStream_returnsEveryDocumentInOrder() throws Exception {
    String stream = "---\n" + Examples.SERVICE + "---\n" + Examples.PROCESSOR + "---\n"
        + Examples.ROUTE_TABLE + "---\n" + Examples.AUTHORIZATION_POLICY;
    assertThat(codec.decodeAll(stream)).containsExactly(
        Fixtures.service(s -> {}),
        Fixtures.processor(p -> {}),
        Fixtures.routeTable(t -> {}),
        Fixtures.authorizationPolicy(a -> {}));
  }

  @Test
  void decodeAll_whenBlankDocuments_skipsThem() throws Exception {
    String stream = "---\n# nothing here\n---\n" + Examples.SERVICE + "---\n---\n" + Examples.PROCESSOR + "---\n";
    assertThat(codec.decodeAll(stream))
        .containsExactly(Fixtures.service(s -> {}), Fixtures.processor(p -> {}));
    assertThat(codec.decodeAll("")).isEmpty();
  }

  @Test
  void decodeAll_whenSingleJsonDocument_returnsIt() throws Exception {
    String json = codec.toJson(Fixtures.routeTable(t -> {}));
    assertThat(codec.decodeAll(json)).containsExactly(Fixtures.routeTable(t -> {}));
  }

  @Test
  void decodeAll_whenErrorsInTwoDocuments_reportsBothWithDocumentPrefix() {
    String stream = Examples.SERVICE.replace("pciScope: CONNECTED", "pciScope: PCI")
        + "---\n" + Examples.PROCESSOR
        + "---\n" + Examples.AUTHORIZATION_POLICY.replace("callers: [checkout]", "callers: ['*']")
            .replace("name: payments-callers", "name: Payments");
    assertThat(errors(stream)).containsExactly(
        "documents[0].pciScope: must be one of [CDE, CONNECTED, NONE]",
        "documents[2].name: must be a lowercase DNS label (a-z, 0-9, '-'), at most 63 characters",
        "documents[2].rules[checkout-charges].callers[0]: must name a service; wildcard callers are not allowed");
  }

  @Test
  void decodeAll_whenSyntaxErrorInLaterDocument_reportsThatDocument() {
    assertThat(errors(Examples.SERVICE + "---\nkind: [\n")).singleElement().asString()
        .startsWith("documents[1]: must be valid YAML or JSON: ");
  }
}
