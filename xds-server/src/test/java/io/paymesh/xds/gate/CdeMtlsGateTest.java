package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 7: mTLS into the CDE, and callers of a CDE service verify its exact SPIFFE ID. */
class CdeMtlsGateTest {
  private static final ProxyGroup CDE_SIDECAR = ProxyGroup.sidecar("payments-v2");
  private static final ProxyGroup CDE_PROXYLESS = ProxyGroup.proxyless("payments-v2");
  private static final String INBOUND = "inbound|grpc";
  private static final String SERVER = "grpc/server?xds.resource.listening_address=0.0.0.0:8443";
  private static final String V1_ID = "spiffe://paymesh.local/ns/payments/sa/payments-v1";
  private final Gate gate = new Gate();

  private List<GateViolation> check(ProxyGroup group, GroupResources resources) {
    return gate.check(PolicyFixtures.snapshot(), group, resources).violations();
  }

  @Test
  void translatorOutput_passes_forCdeInboundAndForCallersOfTheCde_inBothForms() {
    for (ProxyGroup group : List.of(CDE_SIDECAR, CDE_PROXYLESS, SIDECAR, PROXYLESS)) {
      assertThat(check(group, GateFixtures.translate(group))).as(group.toString()).isEmpty();
    }
  }

  @Test
  void permissiveListener_ofACdeService_isReportedForItsPlaintextChain() {
    // What the translator makes of a PERMISSIVE policy for a service outside the CDE, judged
    // as the CDE service it is: the plaintext chain (and only it) is refused.
    Service v2 = PolicyFixtures.paymentsV2();
    PolicySnapshot connected = PolicySnapshot.builder(1)
        .addAll(PolicyFixtures.resources())
        .add(new Service(v2.name(), new Service.Spec(v2.spec().ports(), v2.spec().identity(),
            PciScope.CONNECTED, v2.spec().dependencies(), v2.spec().loadBalancing(),
            v2.spec().circuitBreakers(), v2.spec().outlierDetection())))
        .add(new PeerAuthentication("v2-migration",
            new PeerAuthentication.Spec("payments-v2", MtlsMode.PERMISSIVE)))
        .build();

    List<GateViolation> violations =
        check(CDE_SIDECAR, GateFixtures.translate(connected, CDE_SIDECAR));

    assertThat(violations).containsExactly(new GateViolation("Listener/inbound|grpc", "7",
        "filter chain 'plaintext': no transport socket, so it accepts plaintext into the CDE"));
  }

  @Test
  void proxylessServerChainWithoutTls_isReported() {
    GroupResources bad = GateFixtures.editListener(GateFixtures.translate(CDE_PROXYLESS), SERVER,
        l -> {
          l.getFilterChainsBuilder(0).clearTransportSocket();
          return l;
        });

    assertThat(check(CDE_PROXYLESS, bad)).containsExactly(new GateViolation(
        "Listener/" + SERVER, "7",
        "filter chain 'mtls': no transport socket, so it accepts plaintext into the CDE"));
  }

  @Test
  void clientCertificateNotRequired_isReported() {
    GroupResources bad = GateFixtures.editDownstreamTls(GateFixtures.translate(CDE_SIDECAR),
        INBOUND, 0, tls -> tls.setRequireClientCertificate(BoolValue.of(false)));

    assertThat(check(CDE_SIDECAR, bad)).containsExactly(new GateViolation(
        "Listener/inbound|grpc", "7",
        "filter chain 'mtls': require_client_certificate is not true, so callers need no"
            + " certificate"));
  }

  @Test
  void noValidationContext_isReported_inBothForms() {
    GroupResources sidecar = GateFixtures.editDownstreamTls(GateFixtures.translate(CDE_SIDECAR),
        INBOUND, 0, tls -> {
          tls.getCommonTlsContextBuilder().clearCombinedValidationContext();
          return tls;
        });
    GroupResources proxyless = GateFixtures.editDownstreamTls(
        GateFixtures.translate(CDE_PROXYLESS), SERVER, 0, tls -> {
          tls.getCommonTlsContextBuilder().getValidationContextBuilder()
              .clearCaCertificateProviderInstance();
          return tls;
        });

    assertThat(check(CDE_SIDECAR, sidecar)).containsExactly(new GateViolation(
        "Listener/inbound|grpc", "7",
        "filter chain 'mtls': no validation context, so client certificates are not verified"));
    assertThat(check(CDE_PROXYLESS, proxyless)).containsExactly(new GateViolation(
        "Listener/" + SERVER, "7",
        "filter chain 'mtls': no validation context, so client certificates are not verified"));
  }

  @Test
  void tlsBelow12_orNoTlsParamsOnASidecar_isReported() {
    GroupResources old = GateFixtures.editDownstreamTls(GateFixtures.translate(CDE_SIDECAR),
        INBOUND, 0, tls -> {
          tls.getCommonTlsContextBuilder().getTlsParamsBuilder()
              .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_1);
          return tls;
        });
    GroupResources unset = GateFixtures.editDownstreamTls(GateFixtures.translate(CDE_SIDECAR),
        INBOUND, 0, tls -> {
          tls.getCommonTlsContextBuilder().clearTlsParams();
          return tls;
        });
    GroupResources proxylessOld = GateFixtures.editDownstreamTls(
        GateFixtures.translate(CDE_PROXYLESS), SERVER, 0, tls -> {
          tls.getCommonTlsContextBuilder().getTlsParamsBuilder()
              .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLS_AUTO);
          return tls;
        });

    assertThat(check(CDE_SIDECAR, old)).containsExactly(new GateViolation(
        "Listener/inbound|grpc", "7",
        "filter chain 'mtls': tls_minimum_protocol_version is TLSv1_1, expected TLSv1_2 or"
            + " later"));
    assertThat(check(CDE_SIDECAR, unset)).containsExactly(new GateViolation(
        "Listener/inbound|grpc", "7",
        "filter chain 'mtls': no tls_params, expected tls_minimum_protocol_version TLSv1_2 or"
            + " later"));
    // Without tls_params a proxyless server passes (gRPC enforces 1.2+); with them, 1.2+ only.
    assertThat(check(CDE_PROXYLESS, proxylessOld)).containsExactly(new GateViolation(
        "Listener/" + SERVER, "7",
        "filter chain 'mtls': tls_minimum_protocol_version is TLS_AUTO, expected TLSv1_2 or"
            + " later"));
  }

  @Test
  void nonTlsTransportSocket_andListenerWithoutChains_areReported() {
    GroupResources raw = GateFixtures.editListener(GateFixtures.translate(CDE_SIDECAR), INBOUND,
        l -> {
          l.getFilterChainsBuilder(0).setTransportSocket(
              TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer"));
          return l;
        });
    GroupResources empty = GateFixtures.editListener(GateFixtures.translate(CDE_SIDECAR),
        INBOUND, l -> l.clearFilterChains());

    assertThat(check(CDE_SIDECAR, raw)).containsExactly(new GateViolation(
        "Listener/inbound|grpc", "7",
        "filter chain 'mtls': transport socket 'envoy.transport_sockets.raw_buffer' is not"
            + " envoy.transport_sockets.tls with a DownstreamTlsContext"));
    assertThat(check(CDE_SIDECAR, empty)).containsExactly(
        new GateViolation("Listener/inbound|grpc", "5", "inbound listener has no filter chain"),
        new GateViolation("Listener/inbound|grpc", "7",
            "inbound listener of a CDE service has no filter chain with mTLS"));
  }

  @Test
  void inboundOfAServiceOutsideTheCde_isNotJudged() {
    GroupResources plaintext = GateFixtures.editListener(GateFixtures.translate(SIDECAR),
        INBOUND, l -> {
          l.getFilterChainsBuilder(0).clearTransportSocket();
          return l;
        });

    assertThat(check(SIDECAR, plaintext)).isEmpty();
  }

  @Test
  void clusterToACdeServiceWithoutTls_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(SIDECAR), "payments-v1",
        c -> c.clearTransportSocket());

    assertThat(check(SIDECAR, bad)).containsExactly(new GateViolation("Cluster/payments-v1",
        "7", "cluster to CDE service 'payments-v1' has no envoy.transport_sockets.tls"
            + " UpstreamTlsContext"));
  }

  @Test
  void sidecarClusterVerifyingLessThanTheExactUriSan_isReported() {
    String expected = "cluster to CDE service 'payments-v1' does not verify its SPIFFE ID:"
        + " expected match_typed_subject_alt_names of only URI exact '" + V1_ID + "'";
    List<ValidationEdit> edits = List.of(
        // the trust domain only
        v -> v.setMatchTypedSubjectAltNames(0, san(SubjectAltNameMatcher.SanType.URI,
            StringMatcher.newBuilder().setPrefix("spiffe://paymesh.local/"))),
        // a second, other identity accepted too
        v -> v.addMatchTypedSubjectAltNames(san(SubjectAltNameMatcher.SanType.URI,
            StringMatcher.newBuilder().setExact("spiffe://paymesh.local/ns/x/sa/y"))),
        // the right string, but as a DNS SAN
        v -> v.setMatchTypedSubjectAltNames(0, san(SubjectAltNameMatcher.SanType.DNS,
            StringMatcher.newBuilder().setExact(V1_ID))),
        // nothing
        v -> v.clearMatchTypedSubjectAltNames());
    for (ValidationEdit edit : edits) {
      GroupResources bad = GateFixtures.editUpstreamTls(GateFixtures.translate(SIDECAR),
          "payments-v1", tls -> {
            edit.apply(tls.getCommonTlsContextBuilder().getCombinedValidationContextBuilder()
                .getDefaultValidationContextBuilder());
            return tls;
          });

      assertThat(check(SIDECAR, bad)).containsExactly(
          new GateViolation("Cluster/payments-v1", "7", expected));
    }
  }

  @Test
  @SuppressWarnings("deprecation")
  void stickySplitClusterVerifyingOnlyOneSidesIdentity_isReported() {
    GroupResources bad = GateFixtures.editUpstreamTls(GateFixtures.translate(PROXYLESS),
        "split|payments|charge-card", tls -> {
          tls.getCommonTlsContextBuilder().getValidationContextBuilder()
              .clearMatchSubjectAltNames()
              .addMatchSubjectAltNames(StringMatcher.newBuilder()
                  .setExact("spiffe://paymesh.local/ns/payments/sa/payments-v1"));
          return tls;
        });

    assertThat(check(PROXYLESS, bad)).containsExactly(new GateViolation(
        "Cluster/split|payments|charge-card", "7",
        "cluster to CDE service 'payments-v1', 'payments-v2' does not verify its SPIFFE ID:"
            + " expected match_subject_alt_names of only exact"
            + " 'spiffe://paymesh.local/ns/payments/sa/payments-v1',"
            + " 'spiffe://paymesh.local/ns/payments/sa/payments-v2'"));
  }

  @Test
  @SuppressWarnings("deprecation")
  void proxylessClusterWithTheTypedMatcherGrpcIgnores_isReported() {
    GroupResources bad = GateFixtures.editUpstreamTls(GateFixtures.translate(PROXYLESS),
        "payments-v2", tls -> {
          tls.getCommonTlsContextBuilder().getValidationContextBuilder()
              .clearMatchSubjectAltNames()
              .addMatchTypedSubjectAltNames(san(SubjectAltNameMatcher.SanType.URI,
                  StringMatcher.newBuilder()
                      .setExact("spiffe://paymesh.local/ns/payments/sa/payments-v2")));
          return tls;
        });

    assertThat(check(PROXYLESS, bad)).containsExactly(new GateViolation("Cluster/payments-v2",
        "7", "cluster to CDE service 'payments-v2' does not verify its SPIFFE ID: expected"
            + " match_subject_alt_names of only exact"
            + " 'spiffe://paymesh.local/ns/payments/sa/payments-v2'"),
        // Any cluster, CDE or not: the client-family check sees the same gap.
        new GateViolation("Cluster/payments-v2", "clients",
            "transport_socket.typed_config.common_tls_context.validation_context: GRPC_JAVA"
                + " ignores match_typed_subject_alt_names: the peer's identity would go"
                + " unchecked; gRPC reads match_subject_alt_names"));
  }

  @Test
  @SuppressWarnings("deprecation")
  void proxylessClusterMatchingIgnoringCase_isReported() {
    GroupResources bad = GateFixtures.editUpstreamTls(GateFixtures.translate(PROXYLESS),
        "payments-v1", tls -> {
          tls.getCommonTlsContextBuilder().getValidationContextBuilder()
              .getMatchSubjectAltNamesBuilder(0).setIgnoreCase(true);
          return tls;
        });

    assertThat(check(PROXYLESS, bad)).containsExactly(new GateViolation("Cluster/payments-v1",
        "7", "cluster to CDE service 'payments-v1' does not verify its SPIFFE ID: expected"
            + " match_subject_alt_names of only exact '" + V1_ID + "'"));
  }

  private interface ValidationEdit {
    void apply(CertificateValidationContext.Builder validation);
  }

  private static SubjectAltNameMatcher san(
      SubjectAltNameMatcher.SanType type, StringMatcher.Builder matcher) {
    return SubjectAltNameMatcher.newBuilder().setSanType(type).setMatcher(matcher).build();
  }
}
