package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterTranslatorTest {
  private static final ConfigSource ADS =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();
  private static final Any HTTP2 =
      Any.pack(
          HttpProtocolOptions.newBuilder()
              .setExplicitHttpConfig(
                  HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                      .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
              .build());

  private final ClusterTranslator translator = new ClusterTranslator();

  @Test
  void http2OptionsOfTwoClusters_areOneInstance() {
    String options = XdsNames.HTTP_PROTOCOL_OPTIONS;
    Cluster v1 = translator.serviceCluster(PolicyFixtures.paymentsV1(), ClientFamily.ENVOY);
    Cluster v2 = translator.serviceCluster(PolicyFixtures.paymentsV2(), ClientFamily.ENVOY);

    // The same instance: the Gate unpacks it once, not once per cluster.
    assertThat(v1.getTypedExtensionProtocolOptionsOrThrow(options))
        .isSameAs(v2.getTypedExtensionProtocolOptionsOrThrow(options));
  }

  @Test
  void serviceDependency_becomesMtlsEdsClusterWithLbBreakersOutlierAndHttp2_sidecar() {
    Cluster expected =
        Cluster.newBuilder()
            .setName("payments-v1")
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
            .setConnectTimeout(Duration.newBuilder().setSeconds(1))
            .setLbPolicy(Cluster.LbPolicy.RING_HASH)
            .setCircuitBreakers(
                CircuitBreakers.newBuilder()
                    .addThresholds(
                        CircuitBreakers.Thresholds.newBuilder()
                            .setPriority(RoutingPriority.DEFAULT)
                            .setMaxConnections(UInt32Value.of(1024))
                            .setMaxPendingRequests(UInt32Value.of(256))
                            .setMaxRequests(UInt32Value.of(512))
                            .setMaxRetries(UInt32Value.of(3))))
            .setOutlierDetection(
                OutlierDetection.newBuilder()
                    .setConsecutive5Xx(UInt32Value.of(5))
                    .setInterval(Duration.newBuilder().setSeconds(10))
                    .setBaseEjectionTime(Duration.newBuilder().setSeconds(30))
                    .setMaxEjectionPercent(UInt32Value.of(50))
                    .setEnforcingSuccessRate(UInt32Value.of(100))
                    .setSuccessRateMinimumHosts(UInt32Value.of(5))
                    .setSuccessRateRequestVolume(UInt32Value.of(100))
                    .setSuccessRateStdevFactor(UInt32Value.of(1900)))
            .putTypedExtensionProtocolOptions(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", HTTP2)
            .setTransportSocket(TlsFixtures.tls(TlsFixtures.sidecarUpstream(
                "spiffe://paymesh.local/ns/payments/sa/payments-v1", true)))
            .build();

    assertThat(translator.serviceCluster(PolicyFixtures.paymentsV1(), ClientFamily.ENVOY))
        .isEqualTo(expected);
  }

  @Test
  void failurePercentage_isEnforcedAlways_nextToConsecutive5xx() {
    Service service = PolicyFixtures.paymentsV1();
    Service withFailurePercentage = new Service(service.name(), new Service.Spec(
        service.spec().ports(), service.spec().identity(), service.spec().pciScope(),
        service.spec().dependencies(), service.spec().loadBalancing(),
        service.spec().circuitBreakers(),
        Optional.of(new io.paymesh.config.model.OutlierDetection(
            5, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 50,
            Optional.of(new io.paymesh.config.model.OutlierDetection.FailurePercentage(
                60, 2, 10))))));

    for (ClientFamily client : familiesWithOutlierDetection()) {
      assertThat(translator.serviceCluster(withFailurePercentage, client).getOutlierDetection())
          .isEqualTo(
              OutlierDetection.newBuilder()
                  .setConsecutive5Xx(UInt32Value.of(5))
                  .setInterval(Duration.newBuilder().setSeconds(1))
                  .setBaseEjectionTime(Duration.newBuilder().setSeconds(30))
                  .setMaxEjectionPercent(UInt32Value.of(50))
                  .setEnforcingSuccessRate(UInt32Value.of(100))
                  .setSuccessRateMinimumHosts(UInt32Value.of(5))
                  .setSuccessRateRequestVolume(UInt32Value.of(100))
                  .setSuccessRateStdevFactor(UInt32Value.of(1900))
                  .setFailurePercentageThreshold(UInt32Value.of(60))
                  .setEnforcingFailurePercentage(UInt32Value.of(100))
                  .setFailurePercentageMinimumHosts(UInt32Value.of(2))
                  .setFailurePercentageRequestVolume(UInt32Value.of(10))
                  .build());
    }
  }

  /**
   * Envoy's documented defaults, sent explicitly: the same behaviour for Envoy, grpc-java and
   * C-core, and grpc-js-xds 1.14 no longer reads the unset fields as undefined (which crashed it
   * at the first interval).
   */
  @Test
  void outlierDetection_setsEverySuccessRateFieldToEnvoysDefault_forEveryFamily() {
    for (ClientFamily client : familiesWithOutlierDetection()) {
      OutlierDetection outlier = translator.serviceCluster(PolicyFixtures.paymentsV1(), client)
          .getOutlierDetection();

      assertThat(outlier.getEnforcingSuccessRate()).as(client.name())
          .isEqualTo(UInt32Value.of(100));
      assertThat(outlier.getSuccessRateMinimumHosts()).isEqualTo(UInt32Value.of(5));
      assertThat(outlier.getSuccessRateRequestVolume()).isEqualTo(UInt32Value.of(100));
      assertThat(outlier.getSuccessRateStdevFactor()).isEqualTo(UInt32Value.of(1900));
      // Failure percentage stays off unless the policy asks for it (Envoy's default).
      assertThat(outlier.hasEnforcingFailurePercentage()).isFalse();
    }
  }

  /**
   * grpc-java 1.85 can lose a call picked while a config update passes through its outlier
   * detection (docs/clients.md, note 15), so its clusters carry none, split and processor
   * clusters included; every other family still gets the policy's.
   */
  @Test
  void outlierDetection_isNotSentToGrpcJava_theOtherFamiliesGetIt() {
    StickySplit split = StickySplit.of(PolicyFixtures.snapshot(), "payments",
        PolicyFixtures.chargeCard()).orElseThrow();
    assertThat(PolicyFixtures.paymentsV1().spec().outlierDetection()).isPresent();
    PaymentProcessor.Spec stripe = PolicyFixtures.stripe().spec();
    PaymentProcessor stripeWithOutlier = new PaymentProcessor("stripe", new PaymentProcessor.Spec(
        stripe.endpoints(), stripe.tls(), stripe.connectTimeout(), stripe.circuitBreakers(),
        PolicyFixtures.paymentsV1().spec().outlierDetection()));

    assertThat(familiesWithOutlierDetection())
        .containsExactly(ClientFamily.ENVOY, ClientFamily.GRPC_JS, ClientFamily.GRPC_CORE);
    assertThat(translator.serviceCluster(PolicyFixtures.paymentsV1(), ClientFamily.GRPC_JAVA)
        .hasOutlierDetection()).isFalse();
    assertThat(translator.splitCluster(split, ClientFamily.GRPC_JAVA).hasOutlierDetection())
        .isFalse();
    assertThat(translator.processorCluster(stripeWithOutlier, ClientFamily.GRPC_JAVA)
        .hasOutlierDetection()).isFalse();
    for (ClientFamily client : familiesWithOutlierDetection()) {
      assertThat(translator.serviceCluster(PolicyFixtures.paymentsV1(), client)
          .hasOutlierDetection()).as(client.name()).isTrue();
      assertThat(translator.splitCluster(split, client).hasOutlierDetection())
          .as(client.name()).isTrue();
      assertThat(translator.processorCluster(stripeWithOutlier, client).hasOutlierDetection())
          .as(client.name()).isTrue();
    }
  }

  private static List<ClientFamily> familiesWithOutlierDetection() {
    return Arrays.stream(ClientFamily.values())
        .filter(c -> c.supports(ClientFeature.OUTLIER_DETECTION)).toList();
  }

  @Test
  void serviceDependency_proxyless_verifiesTheCalleeWithTheCertificateProvider() {
    Cluster expected =
        Cluster.newBuilder()
            .setName("payments-v2")
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
            .setConnectTimeout(Duration.newBuilder().setSeconds(1))
            .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
            .putTypedExtensionProtocolOptions(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", HTTP2)
            .setTransportSocket(TlsFixtures.tls(TlsFixtures.proxylessUpstream(
                "spiffe://paymesh.local/ns/payments/sa/payments-v2")))
            .build();

    assertThat(translator.serviceCluster(PolicyFixtures.paymentsV2(), ClientFamily.GRPC_JAVA))
        .isEqualTo(expected);
  }

  @Test
  void httpOnlyService_getsNoHttp2NorH2Alpn_andItsOwnLbPolicy() {
    Cluster expected =
        Cluster.newBuilder()
            .setName("ledger")
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
            .setConnectTimeout(Duration.newBuilder().setSeconds(1))
            .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
            .setTransportSocket(TlsFixtures.tls(TlsFixtures.sidecarUpstream(
                PolicyFixtures.LEDGER_ID, false)))
            .build();

    assertThat(translator.serviceCluster(PolicyFixtures.ledger(), ClientFamily.ENVOY))
        .isEqualTo(expected);
  }

  @Test
  void processor_becomesStrictDnsTlsClusterWithOneLocalityPerRegionAndPriority() {
    UpstreamTlsContext tls =
        UpstreamTlsContext.newBuilder()
            .setSni("api.stripe.com")
            .setCommonTlsContext(
                CommonTlsContext.newBuilder()
                    .setCombinedValidationContext(
                        CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                            .setDefaultValidationContext(
                                CertificateValidationContext.newBuilder()
                                    .addMatchTypedSubjectAltNames(dnsSan("api.stripe.com"))
                                    .addMatchTypedSubjectAltNames(dnsSan("*.stripe.com")))
                            .setValidationContextSdsSecretConfig(
                                SdsSecretConfig.newBuilder()
                                    .setName("psp-ca-bundle")
                                    .setSdsConfig(ADS))))
            .build();
    Cluster expected =
        Cluster.newBuilder()
            .setName("stripe")
            .setType(Cluster.DiscoveryType.STRICT_DNS)
            .setConnectTimeout(Duration.newBuilder().setSeconds(2))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName("stripe")
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .setLocality(Locality.newBuilder().setRegion("us-east-1"))
                            .setPriority(0)
                            .setLoadBalancingWeight(UInt32Value.of(1))
                            .addLbEndpoints(lbEndpoint("api.stripe.com", 443))
                            .addLbEndpoints(lbEndpoint("api2.stripe.com", 443)))
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .setLocality(Locality.newBuilder().setRegion("eu-west-1"))
                            .setPriority(1)
                            .setLoadBalancingWeight(UInt32Value.of(1))
                            .addLbEndpoints(lbEndpoint("api-eu.stripe.com", 443))))
            .setTransportSocket(
                TransportSocket.newBuilder()
                    .setName("envoy.transport_sockets.tls")
                    .setTypedConfig(Any.pack(tls)))
            .setCircuitBreakers(
                CircuitBreakers.newBuilder()
                    .addThresholds(
                        CircuitBreakers.Thresholds.newBuilder()
                            .setPriority(RoutingPriority.DEFAULT)
                            .setMaxConnections(UInt32Value.of(100))
                            .setMaxPendingRequests(UInt32Value.of(50))
                            .setMaxRequests(UInt32Value.of(100))
                            .setMaxRetries(UInt32Value.of(2))))
            .build();

    assertThat(translator.processorCluster(PolicyFixtures.stripe(), ClientFamily.ENVOY)).isEqualTo(expected);
  }

  @Test
  void processorWithOnlyIpLiterals_isStatic() {
    PaymentProcessor bank =
        new PaymentProcessor("bank", new PaymentProcessor.Spec(
            List.of(new PaymentProcessor.Endpoint("192.0.2.10", 8443, "eu-west-1", 0),
                new PaymentProcessor.Endpoint("2001:db8::1", 8443, "eu-west-1", 0)),
            new PaymentProcessor.Tls("bank.example", "bank-ca", List.of("bank.example")),
            java.time.Duration.ofMillis(500), Optional.empty(), Optional.empty()));

    Cluster cluster = translator.processorCluster(bank, ClientFamily.ENVOY);

    assertThat(cluster.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(cluster.getConnectTimeout()).isEqualTo(Duration.newBuilder().setNanos(500_000_000).build());
    assertThat(cluster.getLoadAssignment().getEndpointsList()).hasSize(1);
  }

  @Test
  void sidecarLocalAppCluster_pointsAtLoopbackTargetPortWithHttp2ForGrpc_inPlaintext() {
    Cluster expected =
        Cluster.newBuilder()
            .setName("inbound|grpc")
            .setType(Cluster.DiscoveryType.STATIC)
            .setConnectTimeout(Duration.newBuilder().setSeconds(1))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName("inbound|grpc")
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(lbEndpoint("127.0.0.1", 9090))))
            .putTypedExtensionProtocolOptions(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", HTTP2)
            .build();

    assertThat(translator.localAppCluster(
            new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)))
        .isEqualTo(expected);
  }

  @Test
  void clusters_onlyForServiceAndProcessorDependencies_plusLocalAppForSidecar() {
    PolicySnapshot s = PolicyFixtures.snapshot();

    List<String> sidecar =
        translator.clusters(s.services(), s.processors(), PolicyFixtures.checkout(),
                ClientFamily.ENVOY).stream().map(Cluster::getName).toList();
    List<String> proxyless =
        translator.clusters(s.services(), s.processors(), PolicyFixtures.checkout(),
                ClientFamily.GRPC_JAVA).stream().map(Cluster::getName).toList();

    // "payments" is only a RouteTable host: routed, never a cluster.
    assertThat(sidecar)
        .containsExactly("stripe", "payments-v1", "payments-v2", "ledger", "inbound|grpc");
    assertThat(proxyless).containsExactly("stripe", "payments-v1", "payments-v2", "ledger");
  }

  private static SubjectAltNameMatcher dnsSan(String san) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(SubjectAltNameMatcher.SanType.DNS)
        .setMatcher(StringMatcher.newBuilder().setExact(san))
        .build();
  }

  private static LbEndpoint lbEndpoint(String address, int port) {
    return LbEndpoint.newBuilder()
        .setEndpoint(
            Endpoint.newBuilder()
                .setAddress(
                    Address.newBuilder()
                        .setSocketAddress(
                            SocketAddress.newBuilder().setAddress(address).setPortValue(port))))
        .build();
  }

  private static Service paymentsV2With(LoadBalancing lb) {
    Service v2 = PolicyFixtures.paymentsV2();
    Service.Spec spec = v2.spec();
    return new Service(v2.name(), new Service.Spec(spec.ports(), spec.identity(),
        spec.pciScope(), spec.dependencies(), lb, spec.circuitBreakers(),
        spec.outlierDetection()));
  }

  /** What each family NACKs or crashes on becomes round robin; the rest is kept. */
  @ParameterizedTest
  @CsvSource({
      "ENVOY, LEAST_REQUEST, LEAST_REQUEST",
      "GRPC_JAVA, LEAST_REQUEST, LEAST_REQUEST",
      "GRPC_JS, LEAST_REQUEST, ROUND_ROBIN",
      "GRPC_CORE, LEAST_REQUEST, ROUND_ROBIN",
      "ENVOY, RING_HASH, RING_HASH",
      "GRPC_JAVA, RING_HASH, RING_HASH",
      "GRPC_JS, RING_HASH, RING_HASH",
      "GRPC_CORE, RING_HASH, ROUND_ROBIN",
      "GRPC_CORE, ROUND_ROBIN, ROUND_ROBIN",
  })
  void lbPolicy_isWhatTheFamilyAccepts(
      ClientFamily client, LoadBalancing asked, Cluster.LbPolicy emitted) {
    assertThat(translator.serviceCluster(paymentsV2With(asked), client).getLbPolicy())
        .isEqualTo(emitted);
  }

  @Test
  void stickySplit_isOneRingHashEdsCluster_withSummedBreakers_strictestOutlier_andBothSans() {
    StickySplit split = StickySplit.of(PolicyFixtures.snapshot(), "payments",
        PolicyFixtures.chargeCard()).orElseThrow();

    Cluster cluster = translator.splitCluster(split, ClientFamily.ENVOY);

    assertThat(cluster.getName()).isEqualTo("split|payments|charge-card");
    assertThat(cluster.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(cluster.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(cluster.getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(4096);
    assertThat(cluster.getRingHashLbConfig().getMaximumRingSize().getValue()).isEqualTo(4096);
    // payments-v2 has no circuit breakers, so the split as a whole has none; payments-v1's
    // outlier detection is the only one, hence the strictest.
    assertThat(cluster.hasCircuitBreakers()).isFalse();
    assertThat(cluster.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(5);
    assertThat(cluster.getMetadata().getFilterMetadataOrThrow(XdsNames.METADATA_NAMESPACE)
        .getFieldsOrThrow(XdsNames.METADATA_SPLIT_TARGETS).getListValue().getValuesList())
        .extracting(v -> v.getStringValue()).containsExactly("payments-v1", "payments-v2");
  }

  @Test
  void stickySplit_outlierDetection_takesTheStrictestFailurePercentageOfTheSides() {
    Service v1 = withOutlier(PolicyFixtures.paymentsV1(), outlier(5, 10, 30, 50, 60, 3, 10));
    Service v2 = withOutlier(PolicyFixtures.paymentsV2(), outlier(3, 5, 20, 30, 80, 2, 20));
    StickySplit split = new StickySplit("split|payments|refund", "x-merchant-id",
        List.of(new StickySplit.Member(v1, 50), new StickySplit.Member(v2, 50)));

    OutlierDetection outlier =
        translator.splitCluster(split, ClientFamily.GRPC_JS).getOutlierDetection();

    assertThat(outlier).isEqualTo(OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3))
        .setInterval(Duration.newBuilder().setSeconds(5))
        .setBaseEjectionTime(Duration.newBuilder().setSeconds(30))
        .setMaxEjectionPercent(UInt32Value.of(50))
        .setEnforcingSuccessRate(UInt32Value.of(100))
        .setSuccessRateMinimumHosts(UInt32Value.of(5))
        .setSuccessRateRequestVolume(UInt32Value.of(100))
        .setSuccessRateStdevFactor(UInt32Value.of(1900))
        .setFailurePercentageThreshold(UInt32Value.of(60))
        .setEnforcingFailurePercentage(UInt32Value.of(100))
        .setFailurePercentageMinimumHosts(UInt32Value.of(2))
        .setFailurePercentageRequestVolume(UInt32Value.of(10))
        .build());
  }

  private static io.paymesh.config.model.OutlierDetection outlier(int consecutive5xx,
      int intervalSeconds, int ejectionSeconds, int maxEjectionPercent, int threshold,
      int minimumHosts, int requestVolume) {
    return new io.paymesh.config.model.OutlierDetection(consecutive5xx,
        java.time.Duration.ofSeconds(intervalSeconds),
        java.time.Duration.ofSeconds(ejectionSeconds), maxEjectionPercent,
        Optional.of(new io.paymesh.config.model.OutlierDetection.FailurePercentage(
            threshold, minimumHosts, requestVolume)));
  }

  private static Service withOutlier(
      Service service, io.paymesh.config.model.OutlierDetection outlier) {
    Service.Spec spec = service.spec();
    return new Service(service.name(), new Service.Spec(spec.ports(), spec.identity(),
        spec.pciScope(), spec.dependencies(), spec.loadBalancing(), spec.circuitBreakers(),
        Optional.of(outlier)));
  }
}
