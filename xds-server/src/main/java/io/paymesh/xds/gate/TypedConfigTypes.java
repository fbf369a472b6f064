package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3.SimpleHttpCacheConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The types paymesh packs into {@code Any} fields (filters, listener filters, transport sockets,
 * protocol options), by type URL. The Gate reads exactly these; an Any of any other type is
 * reported by the checks that must see everything (invariants 8 and 9), since they cannot look
 * inside it. When a translator starts packing a new type, add it here and its .proto file to
 * envoy-validators/emitted-protos.txt, so that it has field rules (FieldRulesTest fails until it
 * does).
 *
 * <p>Checks that look for one type ask an Any with that type's default instance
 * ({@code isSameTypeAs}, {@code unpackSameTypeAs}), not its class: {@code Any.is(Class)} looks the
 * class's default instance up by reflection on every call, 2 % of a replica's CPU while 10,000
 * proxies connected.
 */
final class TypedConfigTypes {
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";
  private static final Map<String, Message> PROTOTYPES =
      Stream.<Message>of(
              HttpConnectionManager.getDefaultInstance(),
              RBAC.getDefaultInstance(),
              Router.getDefaultInstance(),
              HTTPFault.getDefaultInstance(),
              TlsInspector.getDefaultInstance(),
              UpstreamTlsContext.getDefaultInstance(),
              DownstreamTlsContext.getDefaultInstance(),
              Secret.getDefaultInstance(),
              HttpProtocolOptions.getDefaultInstance(),
              StdoutAccessLog.getDefaultInstance(),
              JwtAuthentication.getDefaultInstance(),
              PerRouteConfig.getDefaultInstance(),
              HeaderMutation.getDefaultInstance(),
              RBACPerRoute.getDefaultInstance(),
              LocalRateLimit.getDefaultInstance(),
              Cors.getDefaultInstance(),
              CorsPolicy.getDefaultInstance(),
              FilterConfig.getDefaultInstance(),
              CacheConfig.getDefaultInstance(),
              SimpleHttpCacheConfig.getDefaultInstance())
          .collect(Collectors.toUnmodifiableMap(
              m -> TYPE_URL_PREFIX + m.getDescriptorForType().getFullName(),
              Function.identity()));

  private TypedConfigTypes() {}

  /** The default instance of the type an Any of {@code typeUrl} holds, if paymesh emits it. */
  static Optional<Message> prototype(String typeUrl) {
    return Optional.ofNullable(PROTOTYPES.get(typeUrl));
  }

  /**
   * The payload of {@code any}, empty when its type is not one paymesh emits.
   *
   * <p>Parsed once per Any instance: protobuf's {@code Any} keeps what it unpacked, so the checks
   * that look inside a payload (invariants 8 and 9, the client check, and those that read an HCM,
   * a TLS context or an RBAC filter by type) share one parse, and a resource shared by many
   * groups is parsed for the first only. A payload that does not parse is not kept: each check
   * that meets it reports it.
   *
   * @throws InvalidProtocolBufferException when the bytes do not parse as that type
   */
  static Optional<Message> unpack(Any any) throws InvalidProtocolBufferException {
    Optional<Message> prototype = prototype(any.getTypeUrl());
    return prototype.isEmpty()
        ? Optional.empty()
        : Optional.of(any.unpackSameTypeAs(prototype.get()));
  }

  /**
   * The Any's payload when it is typed as {@code type} (a default instance) and decodes; empty
   * otherwise, for the checks that look for one type (an HCM, a TLS context, an RBAC filter).
   */
  static <T extends Message> Optional<T> unpackAs(Any any, T type) {
    if (!any.isSameTypeAs(type)) {
      return Optional.empty();
    }
    try {
      return Optional.of(any.unpackSameTypeAs(type));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code any}, held by {@code field}, is the empty config of a route's
   * {@code FilterConfig}: Envoy reads a set but empty {@code config} as "enable the filter here"
   * (for a filter the HCM disables by default). It holds nothing to unpack or check.
   */
  static boolean isFilterEnabler(FieldDescriptor field, Any any) {
    return field != null && field.getContainingType().equals(FilterConfig.getDescriptor())
        && field.getNumber() == FilterConfig.CONFIG_FIELD_NUMBER
        && any.equals(Any.getDefaultInstance());
  }

  /** {@link #isFilterEnabler} for an Any whose holder is known, not its field. */
  static boolean isFilterEnabler(Message holder, Any any) {
    return holder instanceof FilterConfig config && config.getConfig() == any
        && any.equals(Any.getDefaultInstance());
  }

  static Collection<Message> all() {
    return PROTOTYPES.values();
  }
}
