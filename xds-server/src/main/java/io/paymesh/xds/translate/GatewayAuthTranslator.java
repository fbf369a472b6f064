package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.Mutations;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtClaimToHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementOrList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.ListMatcher;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ValueMatcher;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.RequestAuthentication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Translates the RequestAuthentications of a gateway's Service into who may call the gateway:
 * Envoy's {@code jwt_authn} filter (one provider per issuer, keys from the issuer's JWKS URL or
 * inline, a requirement per API version) and the RBAC that admits a request only with a verified token of
 * an accepted issuer and, per version, every required scope. Verified claims become request
 * headers; the same headers sent by the client are removed first by a header_mutation filter
 * placed before jwt_authn (a route's request_headers_to_remove runs in the router, after
 * jwt_authn, and would remove the verified header too).
 *
 * <p>Only Envoy implements these filters; no gRPC client gets them.
 */
final class GatewayAuthTranslator {

  /** One issuer of one RequestAuthentication, under its provider name. */
  record Provider(String name, RequestAuthentication.JwtIssuer issuer) {}

  /** The providers of the service's RequestAuthentications, named {@code <document>-<index>}. */
  List<Provider> providers(List<RequestAuthentication> authentications) {
    List<Provider> providers = new ArrayList<>();
    for (RequestAuthentication authentication : authentications) {
      List<RequestAuthentication.JwtIssuer> issuers = authentication.spec().issuers();
      for (int i = 0; i < issuers.size(); i++) {
        providers.add(new Provider(authentication.name() + "-" + i, issuers.get(i)));
      }
    }
    return providers;
  }

  /** The headers set from verified claims: who calls, in the request the backend gets. */
  Set<String> claimHeaders(List<Provider> providers) {
    TreeSet<String> headers = new TreeSet<>();
    providers.forEach(p -> p.issuer().claimToHeaders().forEach(c -> headers.add(c.header())));
    return headers;
  }

  /**
   * The filters that run before RBAC: header_mutation (when a claim becomes a header), then
   * jwt_authn; none without a provider (then RBAC denies every request).
   */
  List<HttpFilter> filtersBeforeRbac(Gateway gateway, List<Provider> providers) {
    List<HttpFilter> filters = new ArrayList<>();
    if (providers.isEmpty()) {
      return filters;
    }
    Set<String> claimHeaders = claimHeaders(providers);
    if (!claimHeaders.isEmpty()) {
      Mutations.Builder mutations = Mutations.newBuilder();
      claimHeaders.forEach(h -> mutations.addRequestMutations(HeaderMutation.newBuilder().setRemove(h)));
      filters.add(HttpFilter.newBuilder()
          .setName(XdsNames.HEADER_MUTATION_FILTER)
          .setTypedConfig(Any.pack(
              io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation
                  .newBuilder().setMutations(mutations).build()))
          .build());
    }
    // A preflight carries no token; the cors filter ahead answers it, and should one get here
    // (no CORS on its route) jwt_authn lets it pass to RBAC, which still denies it.
    JwtAuthentication.Builder jwt = JwtAuthentication.newBuilder()
        .setBypassCorsPreflight(true);
    // Maps filled in key order, so equal configs serialize to equal bytes.
    TreeMap<String, JwtProvider> byName = new TreeMap<>();
    providers.forEach(p -> byName.put(p.name(), provider(p.issuer())));
    jwt.putAllProviders(byName);
    TreeMap<String, JwtRequirement> requirements = new TreeMap<>();
    for (Gateway.Api api : gateway.spec().apis()) {
      for (Gateway.Version version : api.versions()) {
        requirements.put(XdsNames.gatewayRoute(api.name(), version.name()),
            requirement(accepted(version, providers)));
      }
    }
    jwt.putAllRequirementMap(requirements);
    filters.add(HttpFilter.newBuilder()
        .setName(XdsNames.JWT_AUTHN_FILTER)
        .setTypedConfig(Any.pack(jwt.build()))
        .build());
    return filters;
  }

  /**
   * The gateway's RBAC: ALLOW a request whose verified token comes from one of the providers'
   * issuers; without providers, ALLOW nothing. Principals read the payload jwt_authn verified, so
   * a forged or missing token never matches.
   */
  RBAC rbac(List<Provider> providers) {
    io.envoyproxy.envoy.config.rbac.v3.RBAC.Builder rules =
        io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW);
    for (String issuer : new TreeSet<>(providers.stream().map(p -> p.issuer().issuer()).toList())) {
      rules.putPolicies("jwt-issuer:" + issuer, Policy.newBuilder()
          .addPermissions(Permission.newBuilder().setAny(true))
          .addPrincipals(issuerPrincipal(issuer))
          .build());
    }
    return RBAC.newBuilder().setRules(rules).build();
  }

  /**
   * The typed_per_filter_config of a version's route: its jwt_authn requirement and, when the
   * version narrows the issuers or requires scopes, an RBAC that replaces the gateway's for it.
   */
  Map<String, Any> perRoute(Gateway.Api api, Gateway.Version version, List<Provider> providers) {
    Map<String, Any> configs = new LinkedHashMap<>();
    if (providers.isEmpty()) {
      return configs;
    }
    String name = XdsNames.gatewayRoute(api.name(), version.name());
    configs.put(XdsNames.JWT_AUTHN_FILTER,
        Any.pack(PerRouteConfig.newBuilder().setRequirementName(name).build()));
    if (!version.issuers().isEmpty() || !version.scopes().isEmpty()) {
      Principal.Set.Builder all = Principal.Set.newBuilder();
      Principal.Set.Builder issuers = Principal.Set.newBuilder();
      new TreeSet<>(accepted(version, providers).stream().map(p -> p.issuer().issuer()).toList())
          .forEach(i -> issuers.addIds(issuerPrincipal(i)));
      all.addIds(Principal.newBuilder().setOrIds(issuers));
      version.scopes().forEach(s -> all.addIds(scopePrincipal(s)));
      RBAC rbac = RBAC.newBuilder()
          .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
              .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW)
              .putPolicies(name, Policy.newBuilder()
                  .addPermissions(Permission.newBuilder().setAny(true))
                  .addPrincipals(Principal.newBuilder().setAndIds(all))
                  .build()))
          .build();
      configs.put(XdsNames.RBAC_FILTER,
          Any.pack(RBACPerRoute.newBuilder().setRbac(rbac).build()));
    }
    return configs;
  }

  /** The providers a version accepts: those of its issuers, or all when it names none. */
  static List<Provider> accepted(Gateway.Version version, List<Provider> providers) {
    if (version.issuers().isEmpty()) {
      return providers;
    }
    return providers.stream().filter(p -> version.issuers().contains(p.issuer().issuer())).toList();
  }

  /**
   * One accepted provider is named directly; several are alternatives ({@code requires_any}
   * takes at least two). None (a version naming no issuer of the gateway) gives an empty
   * {@code requires_any}, which breaks Envoy's field rules: the Gate refuses it, and its
   * GatewayCheck names the issuer.
   */
  private static JwtRequirement requirement(List<Provider> accepted) {
    if (accepted.size() == 1) {
      return JwtRequirement.newBuilder().setProviderName(accepted.get(0).name()).build();
    }
    JwtRequirementOrList.Builder any = JwtRequirementOrList.newBuilder();
    accepted.forEach(p -> any.addRequirements(
        JwtRequirement.newBuilder().setProviderName(p.name())));
    return JwtRequirement.newBuilder().setRequiresAny(any).build();
  }

  /**
   * Keys from the issuer's JWKS URL through its own cluster, fetched before the listener serves
   * (so the first requests are not refused), or the inline key set as written in the policy
   * (public keys only: the validator and the Gate refuse private members); the token is not
   * forwarded to the backend (it only gets the claims the policy passes on); {@code scope} is
   * split into a list for RBAC.
   */
  private static JwtProvider provider(RequestAuthentication.JwtIssuer issuer) {
    JwtProvider.Builder provider = JwtProvider.newBuilder()
        .setIssuer(issuer.issuer())
        .addAllAudiences(issuer.audiences())
        .setForward(false)
        .setPayloadInMetadata(XdsNames.JWT_PAYLOAD_METADATA)
        .setNormalizePayloadInMetadata(JwtProvider.NormalizePayload.newBuilder()
            .addSpaceDelimitedClaims(XdsNames.SCOPE_CLAIM))
        .setClockSkewSeconds(issuer.clockSkew()
            .map(d -> (int) d.toSeconds()).orElse(XdsNames.DEFAULT_CLOCK_SKEW_SECONDS));
    if (issuer.jwks() instanceof RequestAuthentication.Jwks.Remote remote) {
      provider.setRemoteJwks(remoteJwks(remote));
    } else if (issuer.jwks() instanceof RequestAuthentication.Jwks.Inline inline) {
      provider.setLocalJwks(DataSource.newBuilder().setInlineString(inline.json()));
    } else {
      throw new AssertionError(issuer.jwks());
    }
    issuer.claimToHeaders().forEach(c -> provider.addClaimToHeaders(
        JwtClaimToHeader.newBuilder().setClaimName(c.claim()).setHeaderName(c.header())));
    return provider.build();
  }

  private static RemoteJwks remoteJwks(RequestAuthentication.Jwks.Remote remote) {
    RemoteJwks.Builder jwks = RemoteJwks.newBuilder()
        .setHttpUri(HttpUri.newBuilder()
            .setUri(remote.uri())
            .setCluster(XdsNames.jwksCluster(remote.uri()))
            .setTimeout(duration(XdsNames.JWKS_FETCH_TIMEOUT)))
        .setAsyncFetch(io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwksAsyncFetch
            .newBuilder().setFastListener(false));
    remote.cacheDuration().ifPresent(d -> jwks.setCacheDuration(duration(d)));
    return jwks.build();
  }

  private static Principal issuerPrincipal(String issuer) {
    return Principal.newBuilder()
        .setMetadata(payloadMatcher(XdsNames.ISSUER_CLAIM, ValueMatcher.newBuilder()
            .setStringMatch(StringMatcher.newBuilder().setExact(issuer)).build()))
        .build();
  }

  /** The normalised scope list contains {@code scope}. */
  private static Principal scopePrincipal(String scope) {
    ValueMatcher one = ValueMatcher.newBuilder()
        .setStringMatch(StringMatcher.newBuilder().setExact(scope)).build();
    return Principal.newBuilder()
        .setMetadata(payloadMatcher(XdsNames.SCOPE_CLAIM, ValueMatcher.newBuilder()
            .setListMatch(ListMatcher.newBuilder().setOneOf(one)).build()))
        .build();
  }

  private static MetadataMatcher payloadMatcher(String claim, ValueMatcher value) {
    return MetadataMatcher.newBuilder()
        .setFilter(XdsNames.JWT_AUTHN_FILTER)
        .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(XdsNames.JWT_PAYLOAD_METADATA))
        .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(claim))
        .setValue(value)
        .build();
  }
}
