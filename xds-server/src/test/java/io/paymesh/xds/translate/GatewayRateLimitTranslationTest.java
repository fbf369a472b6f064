package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RateLimitPolicy at the gateway: local_ratelimit after RBAC, and per-route buckets per key. */
class GatewayRateLimitTranslationTest {
  private final GroupTranslator translator = new GroupTranslator();

  private GroupResources edge() {
    return translator.translate(GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApi(), GatewayFixtures.edgeJwt(),
        GatewayFixtures.edgeLimits("x-merchant-id")), ProxyGroup.sidecar("edge")).orElseThrow();
  }

  private static Route route(GroupResources resources, String name) {
    return resources.routes().get(0).getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void filter_runsAfterRbac_soOnlyAdmittedRequestsTakeTokens() throws Exception {
    List<HttpFilter> filters = edge().listeners().get(0).getFilterChains(0).getFilters(0)
        .getTypedConfig().unpack(HttpConnectionManager.class).getHttpFiltersList();
    assertThat(filters).extracting(HttpFilter::getName).containsExactly(
        "envoy.filters.http.header_mutation", "envoy.filters.http.jwt_authn",
        "envoy.filters.http.rbac", "envoy.filters.http.local_ratelimit",
        "envoy.filters.http.router");
    assertThat(filters.get(3).getTypedConfig().unpack(LocalRateLimit.class)).isEqualTo(
        LocalRateLimit.newBuilder().setStatPrefix("gateway_ratelimit").build());
  }

  @Test
  void versionRoute_hasABucketPerMerchantAndPerCaller_andOneForRequestsWithoutTheHeader()
      throws Exception {
    TokenBucket merchant = TokenBucket.newBuilder().setMaxTokens(200)
        .setTokensPerFill(UInt32Value.of(100)).setFillInterval(Duration.newBuilder().setSeconds(1))
        .build();
    TokenBucket caller = TokenBucket.newBuilder().setMaxTokens(1000)
        .setTokensPerFill(UInt32Value.of(1000))
        .setFillInterval(Duration.newBuilder().setSeconds(60)).build();
    RateLimit.Action merchantLimit = generic("per-merchant");
    RateLimit.Action merchantPath = RateLimit.Action.newBuilder().setHeaderValueMatch(
        RateLimit.Action.HeaderValueMatch.newBuilder()
            .setDescriptorKey("path").setDescriptorValue("per-merchant")
            .setExpectMatch(BoolValue.of(true))
            .addHeaders(HeaderMatcher.newBuilder().setName(":path")
                .setStringMatch(StringMatcher.newBuilder().setPrefix("/v1/payments")))).build();
    LocalRateLimit expected = LocalRateLimit.newBuilder()
        .setStatPrefix("gateway.payments.v1")
        .setFilterEnabled(always("paymesh.gateway.ratelimit.enabled"))
        .setFilterEnforced(always("paymesh.gateway.ratelimit.enforced"))
        .setEnableXRatelimitHeaders(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03)
        .setMaxDynamicDescriptors(UInt32Value.of(100_000))
        .addDescriptors(LocalRateLimitDescriptor.newBuilder()
            .addEntries(entry("limit", "per-merchant")).addEntries(entry("path", "per-merchant"))
            .addEntries(entry("key", "")).setTokenBucket(merchant))
        .addRateLimits(RateLimit.newBuilder().addActions(merchantLimit).addActions(merchantPath)
            .addActions(RateLimit.Action.newBuilder().setRequestHeaders(
                RateLimit.Action.RequestHeaders.newBuilder()
                    .setHeaderName("x-merchant-id").setDescriptorKey("key"))))
        .addDescriptors(LocalRateLimitDescriptor.newBuilder()
            .addEntries(entry("limit", "per-merchant")).addEntries(entry("path", "per-merchant"))
            .addEntries(entry("key_missing", "per-merchant")).setTokenBucket(merchant))
        .addRateLimits(RateLimit.newBuilder().addActions(merchantLimit).addActions(merchantPath)
            .addActions(RateLimit.Action.newBuilder().setHeaderValueMatch(
                RateLimit.Action.HeaderValueMatch.newBuilder()
                    .setDescriptorKey("key_missing").setDescriptorValue("per-merchant")
                    .setExpectMatch(BoolValue.of(false))
                    .addHeaders(HeaderMatcher.newBuilder().setName("x-merchant-id")
                        .setPresentMatch(true)))))
        .addDescriptors(LocalRateLimitDescriptor.newBuilder()
            .addEntries(entry("limit", "per-caller")).addEntries(entry("key", ""))
            .setTokenBucket(caller))
        .addRateLimits(RateLimit.newBuilder().addActions(generic("per-caller"))
            .addActions(RateLimit.Action.newBuilder().setMetadata(
                RateLimit.Action.MetaData.newBuilder()
                    .setDescriptorKey("key")
                    .setMetadataKey(MetadataKey.newBuilder()
                        .setKey("envoy.filters.http.jwt_authn")
                        .addPath(MetadataKey.PathSegment.newBuilder().setKey("jwt_payload"))
                        .addPath(MetadataKey.PathSegment.newBuilder().setKey("sub")))
                    .setDefaultValue("-")
                    .setSource(RateLimit.Action.MetaData.Source.DYNAMIC))))
        .build();

    assertThat(route(edge(), "payments/v1").getTypedPerFilterConfigOrThrow(
        "envoy.filters.http.local_ratelimit").unpack(LocalRateLimit.class)).isEqualTo(expected);
  }

  @Test
  void retiredVersion_takesNoTokens() {
    assertThat(route(edge(), "payments/v0").getTypedPerFilterConfigMap())
        .doesNotContainKey("envoy.filters.http.local_ratelimit");
  }

  private static RateLimit.Action generic(String limit) {
    return RateLimit.Action.newBuilder().setGenericKey(RateLimit.Action.GenericKey.newBuilder()
        .setDescriptorKey("limit").setDescriptorValue(limit)).build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  private static RuntimeFractionalPercent always(String key) {
    return RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100)
            .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
        .setRuntimeKey(key).build();
  }
}
