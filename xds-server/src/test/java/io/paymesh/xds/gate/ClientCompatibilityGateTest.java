package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a client family is known to refuse or crash on never reaches it. */
class ClientCompatibilityGateTest {
  private static final ProxyGroup C_CORE = new ProxyGroup("checkout", ClientFamily.GRPC_CORE);
  private static final ProxyGroup GRPC_JS = new ProxyGroup("checkout", ClientFamily.GRPC_JS);
  private final ClientCompatibilityCheck check = new ClientCompatibilityCheck();

  @ParameterizedTest
  @EnumSource(ClientFamily.class)
  void whatTheTranslatorGivesEachFamily_passes(ClientFamily family) {
    ProxyGroup group = new ProxyGroup("checkout", family);

    assertThat(check.check(PolicyFixtures.snapshot(), group,
        GateFixtures.translate(group))).isEmpty();
  }

  @Test
  void leastRequestCluster_forGrpcJs_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(GRPC_JS),
        "payments-v2", c -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST));

    assertThat(check.check(PolicyFixtures.snapshot(), GRPC_JS, bad)).containsExactly(
        new GateViolation("Cluster/payments-v2", "clients",
            "GRPC_JS refuses lb_policy LEAST_REQUEST"));
  }

  @Test
  void ringHashCluster_forCCore_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(C_CORE),
        "payments-v2", c -> c.setLbPolicy(Cluster.LbPolicy.RING_HASH));

    assertThat(check.check(PolicyFixtures.snapshot(), C_CORE, bad)).containsExactly(
        new GateViolation("Cluster/payments-v2", "clients",
            "GRPC_CORE crashes on lb_policy RING_HASH"));
  }

  @Test
  void stringMatchAndMaxStreamDuration_forCCore_areReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(C_CORE), "payments",
        "charge-card", r -> {
          r.getMatchBuilder().addHeaders(HeaderMatcher.newBuilder().setName("x-region")
              .setStringMatch(StringMatcher.newBuilder().setExact("eu")));
          r.getRouteBuilder().setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
              .setMaxStreamDuration(com.google.protobuf.Duration.newBuilder().setSeconds(3)));
          return r;
        });

    assertThat(check.check(PolicyFixtures.snapshot(), C_CORE, bad)).containsExactly(
        new GateViolation("RouteConfiguration/payments", "clients",
            "virtual_hosts[0].routes[0].match.headers[1]: GRPC_CORE refuses the header matcher"
                + " string_match (header 'x-region'); it reads exact_match, prefix_match, ..."),
        new GateViolation("RouteConfiguration/payments", "clients",
            "virtual_hosts[0].routes[0].route: GRPC_CORE ends calls before"
                + " max_stream_duration"));
  }

  @Test
  @SuppressWarnings("deprecation")
  void typedSanMatcherOnly_forAGrpcClient_isReported_itWouldCheckNoIdentity() {
    GroupResources bad = GateFixtures.editUpstreamTls(GateFixtures.translate(GRPC_JS),
        "ledger", tls -> {
          tls.getCommonTlsContextBuilder().getValidationContextBuilder()
              .clearMatchSubjectAltNames()
              .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                  .setSanType(SubjectAltNameMatcher.SanType.URI)
                  .setMatcher(StringMatcher.newBuilder()
                      .setExact("spiffe://paymesh.local/ns/payments/sa/ledger")));
          return tls;
        });

    assertThat(check.check(PolicyFixtures.snapshot(), GRPC_JS, bad)).containsExactly(
        new GateViolation("Cluster/ledger", "clients",
            "transport_socket.typed_config.common_tls_context.validation_context: GRPC_JS"
                + " ignores match_typed_subject_alt_names: the peer's identity would go"
                + " unchecked; gRPC reads match_subject_alt_names"));
  }
}
