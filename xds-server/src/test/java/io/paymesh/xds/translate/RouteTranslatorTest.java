package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTranslatorTest {
  private final RouteTranslator translator = new RouteTranslator();

  @Test
  void splitStickyNonIdempotentRoute_sidecar_requiresIdempotencyKeyToRetry() {
    Route expected =
        chargeCardBase()
            .setStatPrefix("payments.charge-card")
            .setRoute(
                chargeCardAction()
                    .setRetryPolicy(
                        RetryPolicy.newBuilder()
                            .setRetryOn("connect-failure,refused-stream,unavailable")
                            .setNumRetries(UInt32Value.of(1))
                            .setPerTryTimeout(Duration.newBuilder().setSeconds(1).setNanos(500_000_000))
                            .addRetriableRequestHeaders(
                                HeaderMatcher.newBuilder()
                                    .setName("idempotency-key")
                                    .setPresentMatch(true))))
            .build();

    assertThat(translator.route(PolicyFixtures.chargeCard(), "payments", ClientFamily.ENVOY,
        chargeCardSplit()))
        .isEqualTo(expected);
  }

  @Test
  void splitStickyNonIdempotentRoute_proxyless_hasNoRetryPolicyAndNoMethodMatcher() {
    Route expected =
        Route.newBuilder()
            .setName("charge-card")
            .setMatch(
                RouteMatch.newBuilder()
                    .setPath(PolicyFixtures.CHARGE)
                    .addHeaders(
                        HeaderMatcher.newBuilder().setName("x-merchant-id").setPresentMatch(true)))
            .setRoute(chargeCardAction().setMaxStreamDuration(maxStreamDuration(3)))
            .setMetadata(metadata("NON_IDEMPOTENT_WRITE", "payments"))
            .build();

    assertThat(translator.route(PolicyFixtures.chargeCard(), "payments", ClientFamily.GRPC_JAVA,
        chargeCardSplit()))
        .isEqualTo(expected);
  }

  @Test
  void idempotentRouteWithSeveralMethodsAndHeaders_sidecar_keepsRetryWithoutKeyHeader() {
    Route expected =
        Route.newBuilder()
            .setName("refund")
            .setMatch(
                RouteMatch.newBuilder()
                    .setPrefix("/payments.v1.Payments/Refund")
                    .addHeaders(
                        HeaderMatcher.newBuilder()
                            .setName(":method")
                            .setStringMatch(
                                StringMatcher.newBuilder()
                                    .setSafeRegex(RegexMatcher.newBuilder().setRegex("^(POST|PUT)$"))))
                    .addHeaders(
                        HeaderMatcher.newBuilder()
                            .setName("x-region")
                            .setStringMatch(StringMatcher.newBuilder().setExact("eu")))
                    .addHeaders(
                        HeaderMatcher.newBuilder()
                            .setName("x-api-version")
                            .setStringMatch(StringMatcher.newBuilder().setPrefix("v1"))))
            .setRoute(refundAction())
            .setMetadata(metadata("IDEMPOTENT_WRITE", "payments"))
            .setStatPrefix("payments.refund")
            .build();

    assertThat(translator.route(PolicyFixtures.refund(), "payments", ClientFamily.ENVOY,
        Optional.empty()))
        .isEqualTo(expected);
  }

  @Test
  void idempotentRoute_proxyless_keepsRetryButDropsPostMethodMatcher() {
    Route expected =
        Route.newBuilder()
            .setName("refund")
            .setMatch(
                RouteMatch.newBuilder()
                    .setPrefix("/payments.v1.Payments/Refund")
                    .addHeaders(
                        HeaderMatcher.newBuilder()
                            .setName("x-region")
                            .setStringMatch(StringMatcher.newBuilder().setExact("eu")))
                    .addHeaders(
                        HeaderMatcher.newBuilder()
                            .setName("x-api-version")
                            .setStringMatch(StringMatcher.newBuilder().setPrefix("v1"))))
            .setRoute(refundAction().setMaxStreamDuration(maxStreamDuration(2)))
            .setMetadata(metadata("IDEMPOTENT_WRITE", "payments"))
            .build();

    assertThat(translator.route(PolicyFixtures.refund(), "payments", ClientFamily.GRPC_JAVA,
        Optional.empty()))
        .isEqualTo(expected);
  }

  @Test
  void splitThatCannotBeOneCluster_staysWeightedClusters_forTheGateToJudge() {
    Route route = translator.route(PolicyFixtures.chargeCard(), "payments", ClientFamily.ENVOY,
        Optional.empty());

    assertThat(route.getRoute().getWeightedClusters()).isEqualTo(
        WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder()
                .setName("payments-v1").setWeight(UInt32Value.of(90)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder()
                .setName("payments-v2").setWeight(UInt32Value.of(10)))
            .build());
    assertThat(route.getRoute().getHashPolicyList()).singleElement()
        .satisfies(h -> assertThat(h.getHeader().getHeaderName()).isEqualTo("x-merchant-id"));
  }

  @Test
  void stickySplit_forAFamilyWithoutRingHash_goesWhollyToItsLargestSide() {
    RouteAction action = translator.route(PolicyFixtures.chargeCard(), "payments",
        ClientFamily.GRPC_CORE, chargeCardSplit()).getRoute();

    assertThat(action.getCluster()).isEqualTo("payments-v1");
    assertThat(action.hasWeightedClusters()).isFalse();
    assertThat(action.getHashPolicyList()).isEmpty();
  }

  @Test
  void cCore_getsNoMaxStreamDuration_whichItFiresEarly() {
    RouteAction action = translator.route(PolicyFixtures.refund(), "payments",
        ClientFamily.GRPC_CORE, Optional.empty()).getRoute();

    assertThat(action.hasMaxStreamDuration()).isFalse();
    assertThat(action.getTimeout()).isEqualTo(Duration.newBuilder().setSeconds(2).build());
    assertThat(translator.route(PolicyFixtures.refund(), "payments", ClientFamily.GRPC_JS,
        Optional.empty()).getRoute().getMaxStreamDuration()).isEqualTo(maxStreamDuration(2));
  }

  @Test
  void queryParametersAndApiVersionHeader_becomeQueryParameterAndHeaderMatchers() {
    RouteTable.Route route = new RouteTable.Route("charges-v2",
        new RouteTable.RouteMatch(new PathMatch.Prefix("/charges"), List.of(),
            List.of(new HeaderMatch("x-merchant-id", new HeaderMatch.Present())),
            List.of(new QueryParameterMatch("currency", new QueryParameterMatch.Exact("EUR")),
                new QueryParameterMatch("region", new QueryParameterMatch.Prefix("eu")),
                new QueryParameterMatch("dry-run", new QueryParameterMatch.Present())),
            Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER))),
        new Destination.Single("payments-v2"), OperationKind.READ,
        java.time.Duration.ofSeconds(1), Optional.empty());

    RouteMatch expected =
        RouteMatch.newBuilder()
            .setPrefix("/charges")
            .addHeaders(HeaderMatcher.newBuilder().setName("x-merchant-id").setPresentMatch(true))
            .addHeaders(
                HeaderMatcher.newBuilder()
                    .setName("api-version")
                    .setStringMatch(StringMatcher.newBuilder().setExact("v2")))
            .addQueryParameters(
                QueryParameterMatcher.newBuilder()
                    .setName("currency")
                    .setStringMatch(StringMatcher.newBuilder().setExact("EUR")))
            .addQueryParameters(
                QueryParameterMatcher.newBuilder()
                    .setName("region")
                    .setStringMatch(StringMatcher.newBuilder().setPrefix("eu")))
            .addQueryParameters(
                QueryParameterMatcher.newBuilder().setName("dry-run").setPresentMatch(true))
            .build();

    for (ClientFamily client : List.of(ClientFamily.ENVOY, ClientFamily.GRPC_JAVA)) {
      assertThat(translator.route(route, "payments", client, Optional.empty()).getMatch())
          .as(client.name())
          .isEqualTo(expected);
    }
    // C-core reads the older header fields; query parameter matchers have no older form.
    assertThat(translator.route(route, "payments", ClientFamily.GRPC_CORE, Optional.empty())
        .getMatch())
        .isEqualTo(expected.toBuilder()
            .setHeaders(1, HeaderMatcher.newBuilder().setName("api-version").setExactMatch("v2"))
            .build());
  }

  @Test
  void routeWithQueryParameters_isLeftOutForGrpcClients_whoseCallsHaveNoQueryString() {
    RouteTable.Route byCurrency = new RouteTable.Route("eur",
        new RouteTable.RouteMatch(new PathMatch.Prefix("/"), List.of(), List.of(),
            List.of(new QueryParameterMatch("currency", new QueryParameterMatch.Exact("EUR"))),
            Optional.empty()),
        new Destination.Single("payments-v2"), OperationKind.READ,
        java.time.Duration.ofSeconds(1), Optional.empty());
    PolicySnapshot snapshot = PolicySnapshot.builder(1)
        .addAll(PolicyFixtures.resources().stream()
            .filter(r -> !r.key().toString().equals("RouteTable/payments")).toList())
        .add(new RouteTable("payments", new RouteTable.Spec("payments",
            List.of(byCurrency, PolicyFixtures.readDefault()))))
        .build();

    for (ClientFamily client : ClientFamily.values()) {
      List<String> routes = translator.virtualHost(snapshot, "payments", client)
          .getRoutesList().stream().map(Route::getName).toList();
      assertThat(routes).as(client.name()).isEqualTo(
          client == ClientFamily.ENVOY ? List.of("eur", "default") : List.of("default"));
    }
  }

  @Test
  void apiVersionInThePath_addsNoMatcher_thePathAlreadyLiesUnderIt() {
    RouteTable.Route route = new RouteTable.Route("v2",
        new RouteTable.RouteMatch(new PathMatch.Prefix("/v2/"), List.of(), List.of(), List.of(),
            Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX))),
        new Destination.Single("payments-v2"), OperationKind.READ,
        java.time.Duration.ofSeconds(1), Optional.empty());

    assertThat(translator.route(route, "payments", ClientFamily.ENVOY, Optional.empty())
        .getMatch())
        .isEqualTo(RouteMatch.newBuilder().setPrefix("/v2/").build());
  }

  @Test
  void routeWithFault_getsADrillTwinJustAhead_gatedByTheDrillHeader_withTheFaultPerRoute() {
    for (ClientFamily client : ClientFamily.values()) {
      HeaderMatcher drillHeader = client == ClientFamily.GRPC_CORE
          ? HeaderMatcher.newBuilder().setName("x-paymesh-drill").setExactMatch("psp-outage").build()
          : HeaderMatcher.newBuilder()
              .setName("x-paymesh-drill")
              .setStringMatch(StringMatcher.newBuilder().setExact("psp-outage"))
              .build();
      HTTPFault fault =
          HTTPFault.newBuilder()
              .setDelay(
                  FaultDelay.newBuilder()
                      .setFixedDelay(Duration.newBuilder().setNanos(500_000_000))
                      .setPercentage(percent(50)))
              .setAbort(FaultAbort.newBuilder().setGrpcStatus(14).setPercentage(percent(10)))
              .addHeaders(drillHeader)
              .setMaxActiveFaults(UInt32Value.of(3))
              .build();

      VirtualHost vhost =
          translator.virtualHost(PolicyFixtures.drillSnapshot(), "payments", client);

      assertThat(vhost.getRoutesList()).extracting(Route::getName)
          .containsExactly("charge-card", "refund", "default/drill", "default");
      Route plain = vhost.getRoutes(3);
      assertThat(plain)
          .isEqualTo(translator.route(
              PolicyFixtures.readDefault(), "payments", client, Optional.empty()));
      Route.Builder twin = plain.toBuilder().setName("default/drill");
      if (client == ClientFamily.ENVOY) {
        // Envoy counts drill traffic apart: the route's stat prefix with ".drill".
        assertThat(plain.getStatPrefix()).isEqualTo("payments.default");
        twin.setStatPrefix("payments.default.drill");
      }
      assertThat(vhost.getRoutes(2))
          .isEqualTo(
              twin
                  .setMatch(plain.getMatch().toBuilder().addHeaders(drillHeader))
                  .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(fault))
                  .build());
    }
  }

  private static FractionalPercent percent(int numerator) {
    return FractionalPercent.newBuilder()
        .setNumerator(numerator)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED)
        .build();
  }

  @Test
  void headerMatches_forCCore_useTheOlderOneFieldPerKindMatchers() {
    RouteMatch expected =
        RouteMatch.newBuilder()
            .setPrefix("/payments.v1.Payments/Refund")
            .addHeaders(HeaderMatcher.newBuilder().setName("x-region").setExactMatch("eu"))
            .addHeaders(HeaderMatcher.newBuilder().setName("x-api-version").setPrefixMatch("v1"))
            .build();

    assertThat(translator.route(PolicyFixtures.refund(), "payments", ClientFamily.GRPC_CORE,
        Optional.empty())
        .getMatch()).isEqualTo(expected);
  }

  @Test
  void sidecar_outboundHoldsEveryDependencyHost_andOneInboundRoutePerPort() {
    PolicySnapshot snapshot = PolicyFixtures.snapshot();
    VirtualHost ledger =
        VirtualHost.newBuilder()
            .setName("ledger")
            .addDomains("ledger")
            .addDomains("ledger:*")
            .addRoutes(defaultRoute("ledger", ProxyForm.SIDECAR))
            .build();

    List<RouteConfiguration> configs =
        translator.routeConfigurations(snapshot, PolicyFixtures.checkout(), ClientFamily.ENVOY);

    assertThat(configs).extracting(RouteConfiguration::getName)
        .containsExactly("outbound", "inbound|grpc");
    assertThat(configs.get(0).getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("ledger", "payments", "payments-v1", "payments-v2", "stripe");
    assertThat(configs.get(0).getVirtualHosts(0)).isEqualTo(ledger);
    assertThat(configs.get(0).getVirtualHosts(1).getRoutesList()).extracting(Route::getName)
        .containsExactly("charge-card", "refund", "default");
  }

  @Test
  void proxyless_oneRouteConfigurationPerDependencyHost_namedLikeTheHost_plusOnePerServerPort() {
    List<RouteConfiguration> configs =
        translator.routeConfigurations(
            PolicyFixtures.snapshot(), PolicyFixtures.checkout(), ClientFamily.GRPC_JAVA);

    assertThat(configs).extracting(RouteConfiguration::getName)
        .containsExactly("ledger", "payments", "payments-v1", "payments-v2", "stripe",
            "inbound|grpc");
    assertThat(configs.get(4))
        .isEqualTo(
            RouteConfiguration.newBuilder()
                .setName("stripe")
                .addVirtualHosts(
                    VirtualHost.newBuilder()
                        .setName("stripe")
                        .addDomains("stripe")
                        .addDomains("stripe:*")
                        .addRoutes(defaultRoute("stripe", ProxyForm.PROXYLESS)))
                .build());
  }

  @Test
  void inboundRoute_forwardsEverythingToTheLocalAppWithTheTimeoutDisabled() {
    RouteConfiguration expected =
        RouteConfiguration.newBuilder()
            .setName("inbound|grpc")
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("inbound")
                    .addDomains("*")
                    .addRoutes(
                        Route.newBuilder()
                            .setName("default")
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(
                                RouteAction.newBuilder()
                                    .setCluster("inbound|grpc")
                                    .setTimeout(Duration.getDefaultInstance()))
                            .setMetadata(
                                Metadata.newBuilder()
                                    .putFilterMetadata("io.paymesh",
                                        Struct.newBuilder()
                                            .putFields("operation",
                                                Value.newBuilder()
                                                    .setStringValue("NON_IDEMPOTENT_WRITE")
                                                    .build())
                                            .build()))))
            .build();

    assertThat(translator.inboundRoute(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)))
        .isEqualTo(expected);
  }

  @Test
  void serverRoute_handlesEverythingInTheProxylessServer_withNonForwardingAction() {
    RouteConfiguration expected =
        RouteConfiguration.newBuilder()
            .setName("inbound|grpc")
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("inbound")
                    .addDomains("*")
                    .addRoutes(
                        Route.newBuilder()
                            .setName("default")
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setNonForwardingAction(NonForwardingAction.getDefaultInstance())
                            .setMetadata(
                                Metadata.newBuilder()
                                    .putFilterMetadata("io.paymesh",
                                        Struct.newBuilder()
                                            .putFields("operation",
                                                Value.newBuilder()
                                                    .setStringValue("NON_IDEMPOTENT_WRITE")
                                                    .build())
                                            .build()))))
            .build();

    assertThat(translator.serverRoute(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)))
        .isEqualTo(expected);
  }

  private static Route.Builder chargeCardBase() {
    return Route.newBuilder()
        .setName("charge-card")
        .setMatch(
            RouteMatch.newBuilder()
                .setPath(PolicyFixtures.CHARGE)
                .addHeaders(
                    HeaderMatcher.newBuilder()
                        .setName(":method")
                        .setStringMatch(StringMatcher.newBuilder().setExact("POST")))
                .addHeaders(
                    HeaderMatcher.newBuilder().setName("x-merchant-id").setPresentMatch(true)))
        .setMetadata(metadata("NON_IDEMPOTENT_WRITE", "payments"));
  }

  private static Optional<StickySplit> chargeCardSplit() {
    return StickySplit.of(PolicyFixtures.snapshot(), "payments", PolicyFixtures.chargeCard());
  }

  /** A sticky split of Services: one ring-hash cluster, hashed on the key header. */
  private static RouteAction.Builder chargeCardAction() {
    return RouteAction.newBuilder()
        .setCluster("split|payments|charge-card")
        .addHashPolicy(
            RouteAction.HashPolicy.newBuilder()
                .setHeader(
                    RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-merchant-id")))
        .setTimeout(Duration.newBuilder().setSeconds(3));
  }

  private static RouteAction.Builder refundAction() {
    return RouteAction.newBuilder()
        .setCluster("payments-v1")
        .setTimeout(Duration.newBuilder().setSeconds(2))
        .setRetryPolicy(
            RetryPolicy.newBuilder()
                .setRetryOn("5xx,reset")
                .setNumRetries(UInt32Value.of(1))
                .setPerTryTimeout(Duration.newBuilder().setSeconds(1)));
  }

  private static RouteAction.MaxStreamDuration maxStreamDuration(int seconds) {
    return RouteAction.MaxStreamDuration.newBuilder()
        .setMaxStreamDuration(Duration.newBuilder().setSeconds(seconds))
        .build();
  }

  private static Route defaultRoute(String host, ProxyForm form) {
    RouteAction.Builder action =
        RouteAction.newBuilder().setCluster(host).setTimeout(Duration.newBuilder().setSeconds(10));
    if (form == ProxyForm.PROXYLESS) {
      action.setMaxStreamDuration(maxStreamDuration(10));
    }
    Route.Builder route = Route.newBuilder();
    if (form == ProxyForm.SIDECAR) {
      route.setStatPrefix(host + ".default");
    }
    return route
        .setName("default")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(action)
        .setMetadata(
            Metadata.newBuilder()
                .putFilterMetadata("io.paymesh",
                    Struct.newBuilder()
                        .putFields("operation", Value.newBuilder().setStringValue("READ").build())
                        .build()))
        .build();
  }

  private static Metadata metadata(String operation, String routeTable) {
    return Metadata.newBuilder()
        .putFilterMetadata("io.paymesh",
            Struct.newBuilder()
                .putFields("operation", Value.newBuilder().setStringValue(operation).build())
                .putFields("routeTable", Value.newBuilder().setStringValue(routeTable).build())
                .build())
        .build();
  }
}
