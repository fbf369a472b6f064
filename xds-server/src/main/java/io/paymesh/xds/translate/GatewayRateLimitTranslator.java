package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;
import static io.paymesh.xds.translate.ProtoValues.uint32;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.RateLimitPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates the RateLimitPolicies of a gateway's Service into Envoy's {@code local_ratelimit}: the
 * filter in the gateway HCM (after RBAC, so only authenticated requests take tokens, and after
 * jwt_authn, which sets the claim headers limits are keyed by) and, on every version route, a
 * per-route config with one token bucket per key value of each limit. Each replica of the gateway
 * counts on its own: N replicas let N times the tokens through (docs/policy-reference.md).
 *
 * <p>Per limit, two rate limit entries: one keyed by the key's value (a wildcard descriptor: a
 * bucket per value, up to {@link XdsNames#RATE_LIMIT_MAX_KEYS}), and for a header key one for
 * requests without the header, which share a single bucket: leaving the header out never escapes
 * the limit. Only Envoy implements local_ratelimit.
 */
final class GatewayRateLimitTranslator {

  /** The HCM filter; it limits nothing itself, the routes' configs do. Empty without limits. */
  Optional<HttpFilter> filter(List<RateLimitPolicy> policies) {
    if (limits(policies).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(HttpFilter.newBuilder()
        .setName(XdsNames.LOCAL_RATE_LIMIT_FILTER)
        .setTypedConfig(Any.pack(LocalRateLimit.newBuilder()
            .setStatPrefix(XdsNames.GATEWAY_RATE_LIMIT_STAT_PREFIX).build()))
        .build());
  }

  /** A version route's config: every limit of the service, each bucket per key value. */
  Optional<Any> perRoute(Gateway.Api api, Gateway.Version version,
      List<RateLimitPolicy> policies) {
    List<RateLimitPolicy.RateLimit> limits = limits(policies);
    if (limits.isEmpty() || version.status() == Gateway.Status.RETIRED) {
      return Optional.empty();
    }
    LocalRateLimit.Builder config = LocalRateLimit.newBuilder()
        .setStatPrefix(XdsNames.GATEWAY_ROUTE_STAT_PREFIX + api.name() + "." + version.name())
        .setFilterEnabled(always("paymesh.gateway.ratelimit.enabled"))
        .setFilterEnforced(always("paymesh.gateway.ratelimit.enforced"))
        .setEnableXRatelimitHeaders(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03)
        .setMaxDynamicDescriptors(uint32(XdsNames.RATE_LIMIT_MAX_KEYS));
    for (RateLimitPolicy.RateLimit limit : limits) {
      TokenBucket bucket = TokenBucket.newBuilder()
          .setMaxTokens(limit.burst())
          .setTokensPerFill(uint32(limit.tokens()))
          .setFillInterval(duration(limit.interval()))
          .build();
      config.addDescriptors(descriptor(limit, entry(XdsNames.RATE_LIMIT_KEY_VALUE, ""), bucket));
      config.addRateLimits(rateLimit(limit, keyAction(limit.key())));
      if (limit.key() instanceof RateLimitPolicy.Key.Header header) {
        config.addDescriptors(descriptor(limit,
            entry(XdsNames.RATE_LIMIT_KEY_MISSING, limit.name()), bucket));
        config.addRateLimits(rateLimit(limit, missingHeaderAction(limit.name(), header.name())));
      }
    }
    return Optional.of(Any.pack(config.build()));
  }

  private static List<RateLimitPolicy.RateLimit> limits(List<RateLimitPolicy> policies) {
    List<RateLimitPolicy.RateLimit> limits = new ArrayList<>();
    policies.forEach(p -> limits.addAll(p.spec().limits()));
    return limits;
  }

  /** The descriptor of one limit: its name, its path condition if any, then {@code last}. */
  private static LocalRateLimitDescriptor descriptor(RateLimitPolicy.RateLimit limit,
      RateLimitDescriptor.Entry last, TokenBucket bucket) {
    LocalRateLimitDescriptor.Builder d = LocalRateLimitDescriptor.newBuilder()
        .addEntries(entry(XdsNames.RATE_LIMIT_KEY_LIMIT, limit.name()));
    limit.path().ifPresent(p -> d.addEntries(entry(XdsNames.RATE_LIMIT_KEY_PATH, limit.name())));
    return d.addEntries(last).setTokenBucket(bucket).build();
  }

  /** The actions that produce that descriptor for a request, in the same order. */
  private static RateLimit rateLimit(RateLimitPolicy.RateLimit limit, RateLimit.Action last) {
    RateLimit.Builder r = RateLimit.newBuilder()
        .addActions(RateLimit.Action.newBuilder().setGenericKey(
            RateLimit.Action.GenericKey.newBuilder()
                .setDescriptorKey(XdsNames.RATE_LIMIT_KEY_LIMIT)
                .setDescriptorValue(limit.name())));
    limit.path().ifPresent(p -> r.addActions(RateLimit.Action.newBuilder().setHeaderValueMatch(
        RateLimit.Action.HeaderValueMatch.newBuilder()
            .setDescriptorKey(XdsNames.RATE_LIMIT_KEY_PATH)
            .setDescriptorValue(limit.name())
            .setExpectMatch(BoolValue.of(true))
            .addHeaders(HeaderMatcher.newBuilder()
                .setName(":path")
                .setStringMatch(ProtoValues.pathMatcher(p))))));
    return r.addActions(last).build();
  }

  /**
   * A header key: the header's value. A caller key: the verified token's {@code sub} (at the edge
   * the caller is the token's subject; tokens without one share a bucket).
   */
  private static RateLimit.Action keyAction(RateLimitPolicy.Key key) {
    if (key instanceof RateLimitPolicy.Key.Header header) {
      return RateLimit.Action.newBuilder().setRequestHeaders(
          RateLimit.Action.RequestHeaders.newBuilder()
              .setHeaderName(header.name())
              .setDescriptorKey(XdsNames.RATE_LIMIT_KEY_VALUE)).build();
    } else if (key instanceof RateLimitPolicy.Key.Caller) {
      return RateLimit.Action.newBuilder().setMetadata(RateLimit.Action.MetaData.newBuilder()
          .setDescriptorKey(XdsNames.RATE_LIMIT_KEY_VALUE)
          .setMetadataKey(MetadataKey.newBuilder()
              .setKey(XdsNames.JWT_AUTHN_FILTER)
              .addPath(MetadataKey.PathSegment.newBuilder().setKey(XdsNames.JWT_PAYLOAD_METADATA))
              .addPath(MetadataKey.PathSegment.newBuilder().setKey(XdsNames.SUBJECT_CLAIM)))
          .setDefaultValue(XdsNames.RATE_LIMIT_NO_SUBJECT)
          .setSource(RateLimit.Action.MetaData.Source.DYNAMIC)).build();
    }
    throw new AssertionError("unknown key " + key);
  }

  /** Matches requests that do not carry the header at all. */
  private static RateLimit.Action missingHeaderAction(String limit, String header) {
    return RateLimit.Action.newBuilder().setHeaderValueMatch(
        RateLimit.Action.HeaderValueMatch.newBuilder()
            .setDescriptorKey(XdsNames.RATE_LIMIT_KEY_MISSING)
            .setDescriptorValue(limit)
            .setExpectMatch(BoolValue.of(false))
            .addHeaders(HeaderMatcher.newBuilder().setName(header).setPresentMatch(true)))
        .build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  private static RuntimeFractionalPercent always(String runtimeKey) {
    return RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED))
        .setRuntimeKey(runtimeKey)
        .build();
  }
}
