package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.Mutations;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwksAsyncFetch;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtClaimToHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementOrList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.ListMatcher;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ValueMatcher;
import io.paymesh.config.model.Gateway;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RequestAuthentication at the gateway: jwt_authn, claim headers, RBAC and JWKS clusters. */
class GatewayAuthTranslationTest {
  private static final Gateway GATEWAY = GatewayFixtures.gateway("public-api",
      GatewayFixtures.v1Deprecated(), GatewayFixtures.v2Scoped(), GatewayFixtures.v0Retired());

  private final GroupTranslator translator = new GroupTranslator();

  private GroupResources edge() {
    return translator.translate(GatewayFixtures.snapshotWith(GatewayFixtures.edge(), GATEWAY,
        GatewayFixtures.edgeJwt()), ProxyGroup.sidecar("edge")).orElseThrow();
  }

  private static List<HttpFilter> filters(GroupResources resources) throws Exception {
    return resources.listeners().get(0).getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class).getHttpFiltersList();
  }

  private static Route route(GroupResources resources, String name) {
    return resources.routes().get(0).getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void filters_removeClaimHeaders_thenVerifyTokens_thenRbac_thenRoute() throws Exception {
    assertThat(filters(edge())).extracting(HttpFilter::getName).containsExactly(
        "envoy.filters.http.header_mutation", "envoy.filters.http.jwt_authn",
        "envoy.filters.http.rbac", "envoy.filters.http.router");
    assertThat(filters(edge()).get(0).getTypedConfig().unpack(
        io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation.class))
        .isEqualTo(io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation
            .newBuilder()
            .setMutations(Mutations.newBuilder()
                .addRequestMutations(HeaderMutation.newBuilder().setRemove("x-merchant-id")))
            .build());
  }

  @Test
  void jwtAuthn_hasAProviderPerIssuer_andARequirementPerVersion() throws Exception {
    JwtProvider merchants = JwtProvider.newBuilder()
        .setIssuer("https://auth.paymesh.example")
        .addAudiences("payments-api")
        .setRemoteJwks(RemoteJwks.newBuilder()
            .setHttpUri(HttpUri.newBuilder()
                .setUri("https://auth.paymesh.example/.well-known/jwks.json")
                .setCluster("jwks|auth.paymesh.example:443")
                .setTimeout(Duration.newBuilder().setSeconds(5)))
            .setCacheDuration(Duration.newBuilder().setSeconds(300))
            .setAsyncFetch(JwksAsyncFetch.newBuilder().setFastListener(false)))
        .setForward(false)
        .setPayloadInMetadata("jwt_payload")
        .setNormalizePayloadInMetadata(
            JwtProvider.NormalizePayload.newBuilder().addSpaceDelimitedClaims("scope"))
        .setClockSkewSeconds(30)
        .addClaimToHeaders(JwtClaimToHeader.newBuilder()
            .setClaimName("merchant_id").setHeaderName("x-merchant-id"))
        .build();
    JwtProvider partners = JwtProvider.newBuilder()
        .setIssuer("https://partners.example:8443/oauth")
        .addAudiences("payments-api")
        .setRemoteJwks(RemoteJwks.newBuilder()
            .setHttpUri(HttpUri.newBuilder()
                .setUri("https://partners.example:8443/keys")
                .setCluster("jwks|partners.example:8443")
                .setTimeout(Duration.newBuilder().setSeconds(5)))
            .setAsyncFetch(JwksAsyncFetch.newBuilder().setFastListener(false)))
        .setForward(false)
        .setPayloadInMetadata("jwt_payload")
        .setNormalizePayloadInMetadata(
            JwtProvider.NormalizePayload.newBuilder().addSpaceDelimitedClaims("scope"))
        .setClockSkewSeconds(60)
        .build();
    JwtRequirement eitherIssuer = JwtRequirement.newBuilder()
        .setRequiresAny(JwtRequirementOrList.newBuilder()
            .addRequirements(JwtRequirement.newBuilder().setProviderName("edge-jwt-0"))
            .addRequirements(JwtRequirement.newBuilder().setProviderName("edge-jwt-1")))
        .build();
    JwtAuthentication expected = JwtAuthentication.newBuilder()
        .setBypassCorsPreflight(true)
        .putProviders("edge-jwt-0", merchants)
        .putProviders("edge-jwt-1", partners)
        .putRequirementMap("payments/v1", eitherIssuer)
        .putRequirementMap("payments/v2",
            JwtRequirement.newBuilder().setProviderName("edge-jwt-0").build())
        .putRequirementMap("payments/v0", eitherIssuer)
        .build();

    assertThat(filters(edge()).get(1).getTypedConfig().unpack(JwtAuthentication.class))
        .isEqualTo(expected);
  }

  @Test
  void rbac_allowsOnlyVerifiedTokensOfTheIssuers() throws Exception {
    RBAC expected = RBAC.newBuilder()
        .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW)
            .putPolicies("jwt-issuer:https://auth.paymesh.example",
                issuerPolicy("https://auth.paymesh.example"))
            .putPolicies("jwt-issuer:https://partners.example:8443/oauth",
                issuerPolicy("https://partners.example:8443/oauth")))
        .build();

    assertThat(filters(edge()).get(2).getTypedConfig().unpack(RBAC.class)).isEqualTo(expected);
  }

  @Test
  void routes_nameTheirRequirement_andAScopedVersionGetsItsOwnRbac() throws Exception {
    GroupResources edge = edge();
    assertThat(route(edge, "payments/v1").getTypedPerFilterConfigMap()).containsOnlyKeys(
        "envoy.filters.http.jwt_authn");
    assertThat(route(edge, "payments/v1").getTypedPerFilterConfigOrThrow(
        "envoy.filters.http.jwt_authn").unpack(PerRouteConfig.class))
        .isEqualTo(PerRouteConfig.newBuilder().setRequirementName("payments/v1").build());

    Principal issuerAndScope = Principal.newBuilder()
        .setAndIds(Principal.Set.newBuilder()
            .addIds(Principal.newBuilder().setOrIds(Principal.Set.newBuilder()
                .addIds(issuer("https://auth.paymesh.example"))))
            .addIds(Principal.newBuilder().setMetadata(payload("scope", ValueMatcher.newBuilder()
                .setListMatch(ListMatcher.newBuilder().setOneOf(ValueMatcher.newBuilder()
                    .setStringMatch(StringMatcher.newBuilder().setExact("payments.write"))))
                .build()))))
        .build();
    RBACPerRoute expected = RBACPerRoute.newBuilder()
        .setRbac(RBAC.newBuilder().setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW)
            .putPolicies("payments/v2", Policy.newBuilder()
                .addPermissions(Permission.newBuilder().setAny(true))
                .addPrincipals(issuerAndScope)
                .build())))
        .build();
    assertThat(route(edge, "payments/v2").getTypedPerFilterConfigOrThrow(
        "envoy.filters.http.rbac").unpack(RBACPerRoute.class)).isEqualTo(expected);
  }

  @Test
  void jwksClusters_areOnePerHost_overVerifiedTls() {
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder()
        .setSni("auth.paymesh.example")
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder()
                    .setFilename("/etc/ssl/certs/ca-certificates.crt"))
                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                    .setSanType(SubjectAltNameMatcher.SanType.DNS)
                    .setMatcher(StringMatcher.newBuilder().setExact("auth.paymesh.example")))))
        .build();
    Cluster expected = Cluster.newBuilder()
        .setName("jwks|auth.paymesh.example:443")
        .setType(Cluster.DiscoveryType.STRICT_DNS)
        .setConnectTimeout(Duration.newBuilder().setSeconds(2))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder()
            .setClusterName("jwks|auth.paymesh.example:443")
            .addEndpoints(LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress("auth.paymesh.example").setPortValue(443)))))))
        .setTransportSocket(TransportSocket.newBuilder()
            .setName("envoy.transport_sockets.tls")
            .setTypedConfig(Any.pack(tls)))
        .build();

    GroupResources edge = edge();
    assertThat(edge.clusters()).extracting(Cluster::getName).containsExactly(
        "jwks|auth.paymesh.example:443", "jwks|partners.example:8443", "payments-v1",
        "payments-v2");
    assertThat(edge.clusters().get(0)).isEqualTo(expected);
  }

  @Test
  void inlineKeys_becomeLocalJwks_asWritten_andGetNoKeyFetchCluster() throws Exception {
    GroupResources edge = translator.translate(GatewayFixtures.snapshotWith(
        GatewayFixtures.edge(), GATEWAY, GatewayFixtures.edgeJwtWithInlinePartnerKeys()),
        ProxyGroup.sidecar("edge")).orElseThrow();
    JwtProvider partners = JwtProvider.newBuilder()
        .setIssuer("https://partners.example:8443/oauth")
        .addAudiences("payments-api")
        .setLocalJwks(DataSource.newBuilder().setInlineString(GatewayFixtures.PARTNER_JWKS))
        .setForward(false)
        .setPayloadInMetadata("jwt_payload")
        .setNormalizePayloadInMetadata(
            JwtProvider.NormalizePayload.newBuilder().addSpaceDelimitedClaims("scope"))
        .setClockSkewSeconds(60)
        .build();

    JwtAuthentication jwt = filters(edge).get(1).getTypedConfig().unpack(JwtAuthentication.class);
    assertThat(jwt.getProvidersOrThrow("edge-jwt-1")).isEqualTo(partners);
    assertThat(jwt.getProvidersOrThrow("edge-jwt-0").hasRemoteJwks()).isTrue();
    assertThat(edge.clusters()).extracting(Cluster::getName).containsExactly(
        "jwks|auth.paymesh.example:443", "payments-v1", "payments-v2");
  }

  private static Policy issuerPolicy(String issuer) {
    return Policy.newBuilder()
        .addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(issuer(issuer))
        .build();
  }

  private static Principal issuer(String issuer) {
    return Principal.newBuilder().setMetadata(payload("iss", ValueMatcher.newBuilder()
        .setStringMatch(StringMatcher.newBuilder().setExact(issuer)).build())).build();
  }

  private static MetadataMatcher payload(String claim, ValueMatcher value) {
    return MetadataMatcher.newBuilder()
        .setFilter("envoy.filters.http.jwt_authn")
        .addPath(MetadataMatcher.PathSegment.newBuilder().setKey("jwt_payload"))
        .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(claim))
        .setValue(value)
        .build();
  }
}
