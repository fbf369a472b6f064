package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Invariant 9: Envoy's protoc-gen-validate rules, wherever a message sits in a resource. */
class EnvoyFieldRulesGateTest {
  private static final String INBOUND = "inbound|grpc";
  private final Gate gate = new Gate();

  @Test
  void ruleOfAFieldOfTheResource_isReportedAtThatField() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(SIDECAR), "ledger",
        c -> c.setConnectTimeout(Duration.newBuilder().setSeconds(-1)));

    assertThat(violations(bad)).containsExactly(new GateViolation("Cluster/ledger", "9",
        "connect_timeout breaks Envoy's field rule: must be greater than 0s (got -1s)"));
  }

  @Test
  void ruleInsideATypedConfig_isReportedUnderTheAnysPath() {
    GroupResources bad = GateFixtures.editHcm(GateFixtures.translate(SIDECAR), "outbound",
        hcm -> hcm.setStatPrefix(""));

    assertThat(violations(bad)).containsExactly(new GateViolation("Listener/outbound", "9",
        "filter_chains[0].filters[0].typed_config.stat_prefix breaks Envoy's field rule:"
            + " length must be at least 1 but got: 0"));
  }

  @Test
  void ruleOfAMapValueInATypedConfigInATypedConfig_isReported() {
    Policy noPermissions = Policy.newBuilder()
        .addPrincipals(Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder()
            .setPrincipalName(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
                .setExact(PolicyFixtures.LEDGER_ID))))
        .build();
    GroupResources bad = withInboundRbac(RBAC.newBuilder()
        .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .putPolicies("ledger-audit/reads", noPermissions))
        .build());

    assertThat(violations(bad)).containsExactly(new GateViolation("Listener/inbound|grpc", "9",
        "filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.rules"
            + ".policies[ledger-audit/reads].permissions breaks Envoy's field rule:"
            + " must have at least 1 items"));
  }

  @Test
  void requiredOneofOfARepeatedElement_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "refund", r -> r.setMatch(RouteMatch.getDefaultInstance()));

    assertThat(violations(bad)).containsExactly(new GateViolation("RouteConfiguration/outbound",
        "9", "virtual_hosts[1].routes[1].match.path_specifier breaks Envoy's field rule:"
            + " is required"));
  }

  @Test
  void durationRangeOfATlsContext_isReportedWithItsBounds() {
    GroupResources bad = GateFixtures.editDownstreamTls(GateFixtures.translate(SIDECAR), INBOUND,
        0, tls -> tls.setSessionTimeout(Duration.newBuilder().setSeconds(4_294_967_296L)));

    assertThat(violations(bad)).containsExactly(new GateViolation("Listener/inbound|grpc", "9",
        "filter_chains[0].transport_socket.typed_config.session_timeout breaks Envoy's field"
            + " rule: must be in the range [0s, 4294967296s) (got 4294967296s)"));
  }

  @Test
  void anyOfATypePaymeshDoesNotEmit_cannotBeChecked() {
    GroupResources bad = GateFixtures.editHcm(GateFixtures.translate(SIDECAR), "outbound",
        hcm -> hcm.addHttpFilters(0, HttpFilter.newBuilder()
            .setName("envoy.filters.http.lua")
            .setTypedConfig(Any.pack(com.google.protobuf.Struct.getDefaultInstance()))));

    // Invariant 8 cannot look inside it either; this test is about 9.
    assertThat(violationsOf("9", bad)).containsExactly(new GateViolation("Listener/outbound", "9",
        "cannot check filter_chains[0].filters[0].typed_config.http_filters[0].typed_config of"
            + " type type.googleapis.com/google.protobuf.Struct: not a type paymesh emits, so its"
            + " field rules are unknown"));
  }

  @Test
  void anyWhoseBytesAreNotItsType_cannotBeDecoded() {
    GroupResources bad = GateFixtures.editListener(GateFixtures.translate(SIDECAR), "outbound",
        l -> {
          l.getFilterChainsBuilder(0).getFiltersBuilder(0).setTypedConfig(Any.newBuilder()
              .setTypeUrl("type.googleapis.com/" + HttpConnectionManager.getDescriptor()
                  .getFullName())
              .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})));
          return l;
        });

    assertThat(violationsOf("9", bad)).containsExactly(new GateViolation("Listener/outbound", "9",
        "cannot decode filter_chains[0].filters[0].typed_config as type.googleapis.com/"
            + "envoy.extensions.filters.network.http_connection_manager.v3"
            + ".HttpConnectionManager"));
  }

  @Test
  void processorSniOfMoreThan255Bytes_isReported_evenWithFewerCharacters() {
    // 128 characters, 256 bytes in UTF-8: Envoy's limit is in bytes.
    PolicySnapshot snapshot = withStripe(p -> new PaymentProcessor.Spec(p.endpoints(),
        new PaymentProcessor.Tls("é".repeat(128), p.tls().trustedCaSecret(),
            p.tls().subjectAltNames()),
        p.connectTimeout(), p.circuitBreakers(), p.outlierDetection()));

    GateResult result = gate.check(snapshot, SIDECAR, GateFixtures.translate(snapshot, SIDECAR));

    assertThat(result.violations()).containsExactly(new GateViolation("Cluster/stripe", "9",
        "transport_socket.typed_config.sni breaks Envoy's field rule: bytes length must be at"
            + " most 255"));
  }

  @Test
  void processorPriorityAbove128_isReported() {
    // Priorities 0 to 129, one endpoint each: 130 levels, the last one beyond Envoy's 128.
    PolicySnapshot snapshot = withStripe(p -> new PaymentProcessor.Spec(
        IntStream.rangeClosed(0, 129)
            .mapToObj(i -> new PaymentProcessor.Endpoint("api.stripe.com", 443, "us-east-1", i))
            .toList(),
        p.tls(), p.connectTimeout(), p.circuitBreakers(), p.outlierDetection()));

    GateResult result = gate.check(snapshot, SIDECAR, GateFixtures.translate(snapshot, SIDECAR));

    assertThat(result.violations()).containsExactly(new GateViolation("Cluster/stripe", "9",
        "load_assignment.endpoints[129].priority breaks Envoy's field rule: must be less than or"
            + " equal to 128 (got 129)"));
  }

  private List<GateViolation> violations(GroupResources resources) {
    return gate.check(PolicyFixtures.snapshot(), SIDECAR, resources).violations();
  }

  private List<GateViolation> violationsOf(String invariant, GroupResources resources) {
    return violations(resources).stream().filter(v -> v.invariant().equals(invariant)).toList();
  }

  private static GroupResources withInboundRbac(RBAC rbac) {
    return GateFixtures.editHcm(GateFixtures.translate(SIDECAR), INBOUND, hcm -> {
      hcm.getHttpFiltersBuilder(0).setTypedConfig(Any.pack(rbac));
      return hcm;
    });
  }

  /** The example policy with the stripe PaymentProcessor's spec edited (not validated). */
  private static PolicySnapshot withStripe(UnaryOperator<PaymentProcessor.Spec> edit) {
    List<PolicyResource> resources = new ArrayList<>();
    for (PolicyResource r : PolicyFixtures.resources()) {
      resources.add(r instanceof PaymentProcessor p && p.name().equals("stripe")
          ? new PaymentProcessor("stripe", edit.apply(p.spec()))
          : r);
    }
    PolicySnapshot.Builder b = PolicySnapshot.builder(42).addAll(resources);
    PolicyFixtures.endpoints().forEach(b::addEndpoint);
    return b.build();
  }
}
