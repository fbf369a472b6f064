package io.paymesh.admin.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.Precondition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Gateway opens public ports into the mesh: every change to one is security-relevant. */
class SecurityRelevantChangesGatewayTest {
  private static final PolicyCodec CODEC = new PolicyCodec();

  private static PolicyResource service(String name, String scope, String dependencies) {
    return decode("""
        kind: Service
        name: %1$s
        spec:
          ports: [{name: http, port: 8443, targetPort: 8080, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/payments/sa/%1$s
          pciScope: %2$s
          dependencies: [%3$s]
        """.formatted(name, scope, dependencies));
  }

  private static Gateway gateway(String version, String backend) {
    return (Gateway) decode("""
        kind: Gateway
        name: public-api
        spec:
          service: edge
          listeners: [{name: https, port: 8443}]
          apis:
            - name: payments
              hosts: [api.paymesh.example]
              versions: [{name: %s, backend: %s, timeout: 5s}]
        """.formatted(version, backend));
  }

  private static PolicyResource decode(String yaml) {
    try {
      return CODEC.decode(yaml);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final PolicySnapshot CURRENT = PolicySnapshot.builder(1)
      .add(service("edge", "NONE", "payments-v1, payments-v2"))
      .add(service("payments-v1", "CDE", ""))
      .add(service("payments-v2", "CONNECTED", ""))
      .build();

  private static List<SecurityChange> changes(PolicySnapshot current, Gateway after) {
    PolicySnapshot proposed = PolicySnapshot.builder(2)
        .addAll(current.resources()).add(after).build();
    return SecurityRelevantChanges.of(current, proposed,
        List.of(Change.put(after, new Precondition.Any())));
  }

  @Test
  void of_whenGatewayCreatedWithCdeBackend_concernsThatBackend() {
    List<SecurityChange> found = changes(CURRENT, gateway("v1", "payments-v1"));

    assertThat(found).extracting(SecurityChange::summary).containsExactly(
        "Gateway/public-api spec: creates public listeners and APIs of Service/edge"
            + " (CDE: payments-v1)");
  }

  @Test
  void of_whenGatewayChangedWithoutCdeBackend_isRelevantButNotCde() {
    PolicySnapshot current = PolicySnapshot.builder(1)
        .addAll(CURRENT.resources()).add(gateway("v2", "payments-v2")).build();

    List<SecurityChange> found = changes(current, gateway("v3", "payments-v2"));

    assertThat(found).hasSize(1);
    assertThat(found.get(0).description())
        .isEqualTo("changes public listeners and APIs of Service/edge");
    assertThat(found.get(0).concernsCde()).isFalse();
  }
}
