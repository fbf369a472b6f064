package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a client family is known to refuse or crash on never reaches it. */
class ClientCompatibilityGateTest {
  private static final ProxyGroup C_CORE = new ProxyGroup("checkout", ClientFamily.GRPC_CORE);
  private static final ProxyGroup GRPC_JS = new ProxyGroup("checkout", ClientFamily.GRPC_JS);
  private static final ProxyGroup GRPC_JAVA = new ProxyGroup("checkout", ClientFamily.GRPC_JAVA);
  /** The check alone, as the Gate runs it: load assignments included (see GateCheck). */
  private final Gate check = new Gate(List.of(new ClientCompatibilityCheck()));

  private List<GateViolation> violations(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    return check.check(snapshot, group, resources).violations();
  }

  @ParameterizedTest
  @EnumSource(ClientFamily.class)
  void whatTheTranslatorGivesEachFamily_passes(ClientFamily family) {
    ProxyGroup group = new ProxyGroup("checkout", family);

    assertThat(violations(PolicyFixtures.snapshot(), group,
        GateFixtures.translate(group))).isEmpty();
  }

  @Test
  void leastRequestCluster_forGrpcJs_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(GRPC_JS),
        "payments-v2", c -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST));

    assertThat(violations(PolicyFixtures.snapshot(), GRPC_JS, bad)).containsExactly(
        new GateViolation("Cluster/payments-v2", "clients",
            "GRPC_JS refuses lb_policy LEAST_REQUEST"));
  }

  @Test
  void ringHashCluster_forCCore_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(C_CORE),
        "payments-v2", c -> c.setLbPolicy(Cluster.LbPolicy.RING_HASH));

    assertThat(violations(PolicyFixtures.snapshot(), C_CORE, bad)).containsExactly(
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

    assertThat(violations(PolicyFixtures.snapshot(), C_CORE, bad)).containsExactly(
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

    assertThat(violations(PolicyFixtures.snapshot(), GRPC_JS, bad)).containsExactly(
        new GateViolation("Cluster/ledger", "clients",
            "transport_socket.typed_config.common_tls_context.validation_context: GRPC_JS"
                + " ignores match_typed_subject_alt_names: the peer's identity would go"
                + " unchecked; gRPC reads match_subject_alt_names"));
  }

  /** payments-v1 with a standby instance in zone-a, where it also has a priority-0 one. */
  private static PolicySnapshot withStandby() {
    PolicySnapshot.Builder b = PolicySnapshot.builder(43).addAll(PolicyFixtures.resources());
    PolicyFixtures.endpoints().forEach(b::addEndpoint);
    b.addEndpoint(new Endpoint("payments-v1", "standby", "10.0.2.1", 9090, "zone-a", 1, 1));
    return b.build();
  }

  @ParameterizedTest
  @EnumSource(ClientFamily.class)
  void aZoneAtTwoPriorities_asTranslated_passes(ClientFamily family) {
    ProxyGroup group = new ProxyGroup("checkout", family);

    assertThat(violations(withStandby(), group,
        GateFixtures.translate(withStandby(), group))).isEmpty();
  }

  @Test
  void oneLocalityAtTwoPriorities_forGrpcJava_isReported_itKeepsOnlyTheLast() {
    GroupResources bad = GateFixtures.editLoadAssignment(
        GateFixtures.translate(withStandby(), GRPC_JAVA), "payments-v1", cla -> {
          for (LocalityLbEndpoints.Builder l : cla.getEndpointsBuilderList()) {
            l.getLocalityBuilder().clearSubZone();
          }
          return cla;
        });

    assertThat(violations(withStandby(), GRPC_JAVA, bad)).containsExactly(
        new GateViolation("ClusterLoadAssignment/payments-v1", "clients",
            "GRPC_JAVA keeps only the last endpoint group of a locality listed at priorities"
                + " [0, 1] (region '', zone 'zone-a', sub_zone ''); the others' endpoints would"
                + " get no calls"));
    // C-core and grpc-js take it as it is.
    assertThat(violations(withStandby(), GRPC_JS, GateFixtures.editLoadAssignment(
        GateFixtures.translate(withStandby(), GRPC_JS), "payments-v1", cla -> {
          cla.getEndpointsBuilderList().forEach(l -> l.getLocalityBuilder().clearSubZone());
          return cla;
        }))).isEmpty();
  }

  @Test
  void outlierDetectionWithoutSuccessRateFields_forGrpcJs_isReported_itDiesAtTheFirstInterval() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(GRPC_JS),
        "payments-v1", c -> {
          c.setOutlierDetection(OutlierDetection.newBuilder()
              .setConsecutive5Xx(com.google.protobuf.UInt32Value.of(5))
              .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(10)));
          return c;
        });

    assertThat(violations(PolicyFixtures.snapshot(), GRPC_JS, bad)).containsExactly(
        new GateViolation("Cluster/payments-v1", "clients",
            "outlier_detection: GRPC_JS reads unset enforcing_success_rate,"
                + " success_rate_minimum_hosts, success_rate_request_volume,"
                + " success_rate_stdev_factor as undefined, not the default, and dies at the"
                + " first outlier detection interval: set them"));
    // C-core reads unset fields as their defaults (gRFC A50).
    assertThat(violations(PolicyFixtures.snapshot(), C_CORE, GateFixtures.editCluster(
        GateFixtures.translate(C_CORE), "payments-v1", c -> c.setOutlierDetection(
            OutlierDetection.newBuilder().setConsecutive5Xx(
                com.google.protobuf.UInt32Value.of(5)))))).isEmpty();
  }

  @Test
  void anyOutlierDetection_forGrpcJava_isReported_itLosesCallsPickedDuringAnUpdate() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(GRPC_JAVA),
        "payments-v1", c -> c.setOutlierDetection(GateFixtures.translate(C_CORE)
            .clusters().stream().filter(e -> e.getName().equals("payments-v1")).findFirst()
            .orElseThrow().getOutlierDetection()));

    assertThat(GateFixtures.translate(GRPC_JAVA).clusters())
        .noneMatch(Cluster::hasOutlierDetection);
    assertThat(violations(PolicyFixtures.snapshot(), GRPC_JAVA, bad)).containsExactly(
        new GateViolation("Cluster/payments-v1", "clients",
            "GRPC_JAVA loses calls picked during a config update when a cluster has"
                + " outlier_detection: they never complete"));
  }

  @Test
  void failurePercentageWithAFieldUnset_forGrpcJs_isReported_itWouldNeverEject() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(GRPC_JS),
        "payments-v1", c -> {
          c.getOutlierDetectionBuilder()
              .setEnforcingFailurePercentage(com.google.protobuf.UInt32Value.of(100))
              .setFailurePercentageThreshold(com.google.protobuf.UInt32Value.of(50));
          return c;
        });

    assertThat(violations(PolicyFixtures.snapshot(), GRPC_JS, bad)).containsExactly(
        new GateViolation("Cluster/payments-v1", "clients",
            "outlier_detection: GRPC_JS reads unset failure_percentage_minimum_hosts,"
                + " failure_percentage_request_volume as undefined, not the default: set them"));
  }
}
