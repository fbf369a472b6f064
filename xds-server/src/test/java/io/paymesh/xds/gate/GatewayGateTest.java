package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.PciScope;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GatewayFixtures;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole Gate, Envoy's field rules included, on the edge gateway's group. */
class GatewayGateTest {
  private static final ProxyGroup EDGE = ProxyGroup.sidecar("edge");
  private final Gate gate = new Gate();

  private List<GateViolation> check(PolicySnapshot snapshot) {
    return gate.check(snapshot, EDGE, GateFixtures.translate(snapshot, EDGE)).violations();
  }

  @Test
  void translatorOutput_passesEveryCheck_inEveryFamily() {
    PolicySnapshot snapshot = GatewayFixtures.snapshot();
    for (ProxyGroup group : ProxyGroup.everyFamily("edge")) {
      assertThat(gate.check(snapshot, group, GateFixtures.translate(snapshot, group)).violations())
          .as("%s", group).isEmpty();
    }
  }

  @Test
  void twoGatewaysForOneService_areRefused() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(),
        GatewayFixtures.gateway("partner-api", GatewayFixtures.v0Retired()));

    assertThat(check(snapshot)).containsExactly(new GateViolation("Service/edge", "gateway",
        "named by 2 Gateways (partner-api, public-api); one Service serves at most one Gateway"));
  }

  @Test
  void backendOutsideTheDependencies_isRefused() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(
        GatewayFixtures.edge(PciScope.CONNECTED, List.of("payments-v1")),
        GatewayFixtures.publicApi());

    assertThat(check(snapshot)).contains(new GateViolation(
        "Gateway/public-api version payments/v2", "gateway",
        "backend 'payments-v2' is not a declared dependency of service 'edge'"));
  }

  @Test
  void processorOrUnknownBackend_isRefused() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(
        GatewayFixtures.edge(PciScope.CONNECTED, List.of("payments-v1", "stripe")),
        GatewayFixtures.gateway("public-api", GatewayFixtures.v1Deprecated(),
            GatewayFixtures.v2Active("stripe")));

    assertThat(check(snapshot)).contains(new GateViolation(
        "Gateway/public-api version payments/v2", "gateway",
        "backend 'stripe' is not a Service (a gateway never calls a PaymentProcessor directly)"));
  }

  @Test
  void gatewayRoutesKeepingTheDrillHeader_areRefused() {
    PolicySnapshot snapshot = GatewayFixtures.snapshot();
    GroupResources translated = GateFixtures.translate(snapshot, EDGE);
    GroupResources kept = new GroupResources(translated.listeners(),
        translated.routes().stream().map(r -> r.toBuilder().clearRequestHeadersToRemove().build())
            .toList(),
        translated.clusters(), translated.endpoints(), translated.secrets());

    assertThat(gate.check(snapshot, EDGE, kept).violations()).containsExactly(
        new GateViolation("Listener/gateway|https", "gateway", "gateway routes do not remove"
            + " x-paymesh-drill from requests: an external caller could opt into a drill"),
        new GateViolation("Listener/gateway|https-alt", "gateway", "gateway routes do not remove"
            + " x-paymesh-drill from requests: an external caller could opt into a drill"));
  }

  @Test
  void gatewayOfACdeService_isRefusedByInvariant7() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(
        GatewayFixtures.edge(PciScope.CDE, List.of("payments-v1", "payments-v2")),
        GatewayFixtures.publicApi());

    assertThat(check(snapshot)).extracting(GateViolation::invariant).contains("7");
  }

  @Test
  void gatewayWithoutItsRbacFilter_isRefusedByInvariant5() {
    PolicySnapshot snapshot = GatewayFixtures.snapshot();
    GroupResources noRbac = GateFixtures.editHcm(GateFixtures.translate(snapshot, EDGE),
        "gateway|https", hcm -> hcm.removeHttpFilters(0));

    assertThat(gate.check(snapshot, EDGE, noRbac).violations())
        .extracting(GateViolation::resource, GateViolation::invariant)
        .contains(org.assertj.core.groups.Tuple.tuple("Listener/gateway|https", "5"));
  }

  @Test
  void retiredVersionWithAnOutOfRangeStatus_breaksEnvoysFieldRules() {
    PolicySnapshot snapshot = GatewayFixtures.snapshot();
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(snapshot, EDGE),
        "gateway|public-api", "payments/v0",
        r -> r.setDirectResponse(r.getDirectResponse().toBuilder().setStatus(199)));

    assertThat(gate.check(snapshot, EDGE, bad).violations()).containsExactly(new GateViolation(
        "RouteConfiguration/gateway|public-api", "9",
        "virtual_hosts[0].routes[2].direct_response.status breaks Envoy's field rule:"
            + " must be in the range [200, 600) (got 199)"));
  }


  @Test
  void gatewayWithJwtAuthentication_passesEveryCheck() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.gateway("public-api", GatewayFixtures.v1Deprecated(),
            GatewayFixtures.v2Scoped(), GatewayFixtures.v0Retired()),
        GatewayFixtures.edgeJwt());

    assertThat(check(snapshot)).isEmpty();
  }

  @Test
  void versionNamingAnUnknownIssuer_isRefused_alsoByEnvoysFieldRules() {
    io.paymesh.config.model.Gateway.Version unknown = new io.paymesh.config.model.Gateway.Version(
        GatewayFixtures.v2Scoped().match(), GatewayFixtures.v2Scoped().status(),
        GatewayFixtures.v2Scoped().backend(), GatewayFixtures.v2Scoped().timeout(),
        java.util.Optional.empty(), java.util.Optional.empty(),
        List.of("https://evil.example"), List.of());
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.gateway("public-api", unknown), GatewayFixtures.edgeJwt());

    assertThat(check(snapshot)).contains(new GateViolation("Gateway/public-api version payments/v2",
        "gateway", "issuer 'https://evil.example' is not an issuer of a RequestAuthentication of"
            + " service 'edge'"));
    assertThat(check(snapshot)).extracting(GateViolation::invariant).contains("9");
  }

  @Test
  void routeToAKeyFetchCluster_isRefused() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwt());
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(snapshot, EDGE),
        "gateway|public-api", "payments/v1",
        r -> r.setRoute(r.getRoute().toBuilder().setCluster("jwks|auth.paymesh.example:443")));

    assertThat(gate.check(snapshot, EDGE, bad).violations()).contains(new GateViolation(
        "RouteConfiguration/gateway|public-api route payments/v1", "gateway",
        "routes requests to the key-fetch cluster 'jwks|auth.paymesh.example:443'"));
  }

  @Test
  void jwksClusterOfAnotherServicesIssuer_isOutsideTheEgressScope() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi());
    PolicySnapshot withJwt = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwt());

    assertThat(gate.check(snapshot, EDGE, GateFixtures.translate(withJwt, EDGE)).violations())
        .contains(new GateViolation("Cluster/jwks|auth.paymesh.example:443", "6",
            "cluster is not a declared dependency of service 'edge'"));
  }

  @Test
  void gatewayWithRateLimits_passesEveryCheck_envoysFieldRulesIncluded() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwt(),
        GatewayFixtures.edgeLimits("x-merchant-id"));

    assertThat(check(snapshot)).isEmpty();
  }

  @Test
  void limitKeyedByAHeaderTheClientChooses_isRefused() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwt(),
        GatewayFixtures.edgeLimits("x-client-merchant"));

    assertThat(check(snapshot)).containsExactly(new GateViolation(
        "RateLimitPolicy/edge-limits limit per-merchant", "gateway",
        "keyed by header 'x-client-merchant', which clients of the gateway choose; key it by a"
            + " header set from a verified claim (claimToHeaders of a RequestAuthentication) or"
            + " by the caller"));
  }

  @Test
  void gatewayWithCors_passesEveryCheck_envoysFieldRulesIncluded() {
    io.paymesh.config.model.Gateway.Version v2 = GatewayFixtures.v2Scoped();
    io.paymesh.config.model.Gateway.Version withCors = new io.paymesh.config.model.Gateway.Version(
        v2.match(), v2.status(), v2.backend(), v2.timeout(), v2.deprecatedOn(), v2.sunset(),
        v2.issuers(), v2.scopes(), java.util.Optional.of(new io.paymesh.config.model.Gateway.Cors(
            List.of("https://checkout.merchant.example"), List.of("POST"), List.of(),
            java.util.Optional.empty())));
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.gateway("public-api", GatewayFixtures.v1Deprecated(), withCors),
        GatewayFixtures.edgeJwt(), GatewayFixtures.edgeLimits("x-merchant-id"));

    assertThat(check(snapshot)).isEmpty();
  }

  @Test
  void routeRbacThatIsOffOrAllowsAnyone_isRefusedByInvariant5() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.gateway("public-api", GatewayFixtures.v1Deprecated(),
            GatewayFixtures.v2Scoped()),
        GatewayFixtures.edgeJwt());
    GroupResources translated = GateFixtures.translate(snapshot, EDGE);
    GroupResources off = GateFixtures.editRoute(translated, "gateway|public-api", "payments/v2",
        r -> r.putTypedPerFilterConfig("envoy.filters.http.rbac", com.google.protobuf.Any.pack(
            io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute
                .getDefaultInstance())));
    GroupResources anyone = GateFixtures.editRoute(translated, "gateway|public-api",
        "payments/v2", r -> r.putTypedPerFilterConfig("envoy.filters.http.rbac",
            com.google.protobuf.Any.pack(
                io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute.newBuilder()
                    .setRbac(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
                        .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
                            .putPolicies("open", io.envoyproxy.envoy.config.rbac.v3.Policy
                                .newBuilder()
                                .addPermissions(io.envoyproxy.envoy.config.rbac.v3.Permission
                                    .newBuilder().setAny(true))
                                .addPrincipals(io.envoyproxy.envoy.config.rbac.v3.Principal
                                    .newBuilder().setAny(true))
                                .build())))
                    .build())));

    assertThat(gate.check(snapshot, EDGE, off).violations()).containsExactly(new GateViolation(
        "RouteConfiguration/gateway|public-api route payments/v2", "5",
        "route's envoy.filters.http.rbac config holds no RBAC, so RBAC is off for the route"));
    assertThat(gate.check(snapshot, EDGE, anyone).violations()).containsExactly(new GateViolation(
        "RouteConfiguration/gateway|public-api route payments/v2", "5",
        "RBAC rules policy 'open' allows principal any"));
  }

  @Test
  void inlinePublicKeys_passEveryCheck_fieldRulesIncluded() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwtWithInlinePartnerKeys());
    assertThat(check(snapshot)).isEmpty();
  }

  @Test
  void inlineKeysWithAPrivateMember_areRefused_byMemberNameOnly() {
    PolicySnapshot snapshot = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwtWithInlinePartnerKeys());
    String secret = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE";
    String leaked = GatewayFixtures.PARTNER_JWKS.replace("\"kid\"", "\"d\":\"" + secret + "\",\"kid\"");
    GroupResources translated = GateFixtures.translate(snapshot, EDGE);
    GroupResources tampered = GateFixtures.editHcm(translated, "gateway|https", hcm -> {
      try {
        var filter = hcm.getHttpFilters(1);
        var jwt = filter.getTypedConfig().unpack(
            io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.class);
        var provider = jwt.getProvidersOrThrow("edge-jwt-1").toBuilder()
            .setLocalJwks(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                .setInlineString(leaked)).build();
        return hcm.setHttpFilters(1, filter.toBuilder().setTypedConfig(com.google.protobuf.Any
            .pack(jwt.toBuilder().putProviders("edge-jwt-1", provider).build())));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    });

    List<GateViolation> violations = gate.check(snapshot, EDGE, tampered).violations();
    assertThat(violations).containsExactly(new GateViolation("Listener/gateway|https", "8",
        "the JSON Web Key Set at filter_chains[0].filters[0].typed_config.http_filters[1]"
            + ".typed_config.providers[edge-jwt-1].local_jwks is not a set of public keys:"
            + " keys[0]: must not contain private key material (d); publish only the public key"));
    assertThat(violations.toString()).doesNotContain(secret);
  }
}
