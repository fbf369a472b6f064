package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The dependency order and the cut into steps that multi-commit writes rely on. */
class WriteStepsTest {
  private static final PolicyCodec CODEC = new PolicyCodec();

  @Test
  void order_listsEveryKind_targetsFirst_routesAndGatewaysLast() {
    assertThat(WriteSteps.ORDER).containsExactlyInAnyOrder(Kind.values());
    assertThat(WriteSteps.ORDER.get(0)).isEqualTo(Kind.PAYMENT_PROCESSOR);
    assertThat(WriteSteps.ORDER.indexOf(Kind.SERVICE))
        .isLessThan(WriteSteps.ORDER.indexOf(Kind.AUTHORIZATION_POLICY));
    assertThat(WriteSteps.ORDER.indexOf(Kind.AUTHORIZATION_POLICY))
        .isLessThan(WriteSteps.ORDER.indexOf(Kind.ROUTE_TABLE));
    assertThat(WriteSteps.ORDER.get(WriteSteps.ORDER.size() - 1)).isEqualTo(Kind.GATEWAY);
  }

  @Test
  void of_cutsTheOrderedDocumentsIntoStepsOfAtMostTheGivenSize_keepingFileOrderWithinAKind() {
    List<PolicyResource> documents = new ArrayList<>();
    documents.add(routeTable("rt"));
    for (int i = 0; i < 5; i++) {
      documents.add(service("svc-" + i));
    }

    List<List<PolicyResource>> steps = WriteSteps.of(documents, Function.identity(), 2);

    assertThat(steps).extracting(List::size).containsExactly(2, 2, 2);
    assertThat(steps.stream().flatMap(List::stream).map(r -> r.key().toString()))
        .containsExactly("Service/svc-0", "Service/svc-1", "Service/svc-2", "Service/svc-3",
            "Service/svc-4", "RouteTable/rt");
    assertThat(WriteSteps.of(documents)).hasSize(1);
  }

  @Test
  void of_aDocumentGivenTwice_isRefused_namingIt() {
    assertThatThrownBy(() -> WriteSteps.of(List.of(service("a"), service("b"), service("a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service/a: the same document twice in one write");
  }

  private static PolicyResource service(String name) {
    return decode("""
        kind: Service
        name: %s
        spec:
          ports: [{name: http, port: 8080, targetPort: 8081, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/test/sa/%s
          pciScope: NONE
          dependencies: []
        """.formatted(name, name));
  }

  private static PolicyResource routeTable(String name) {
    return decode("""
        kind: RouteTable
        name: %s
        spec:
          host: svc-0
          routes:
            - name: all
              match: {path: {prefix: /}}
              destination: {target: svc-0}
              operation: READ
              timeout: 2s
        """.formatted(name));
  }

  private static PolicyResource decode(String yaml) {
    try {
      return CODEC.decode(yaml);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
