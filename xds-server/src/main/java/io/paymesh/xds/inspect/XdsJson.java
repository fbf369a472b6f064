package io.paymesh.xds.inspect;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3.SimpleHttpCacheConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

/**
 * Envoy resources as the pretty JSON an operator reads in a config dump or a plan diff: proto
 * field names (as in Envoy's own /config_dump and YAML), map keys sorted so equal resources print
 * equally, and typed_config payloads expanded through a registry of every Any type we emit.
 */
final class XdsJson {
  /**
   * Every message the translators pack into an Any (filters, listener filters, transport sockets,
   * protocol options), plus the TLS types the Gate already knows. A type missing here makes the dump fail
   * loudly rather than print an opaque blob: ConfigDumperTest dumps every group of a policy that
   * uses them all.
   */
  private static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(HttpConnectionManager.getDescriptor())
          .add(RBAC.getDescriptor())
          .add(Router.getDescriptor())
          .add(TlsInspector.getDescriptor())
          .add(UpstreamTlsContext.getDescriptor())
          .add(DownstreamTlsContext.getDescriptor())
          .add(Secret.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .add(HTTPFault.getDescriptor())
          .add(StdoutAccessLog.getDescriptor())
          .add(JwtAuthentication.getDescriptor())
          .add(PerRouteConfig.getDescriptor())
          .add(HeaderMutation.getDescriptor())
          .add(RBACPerRoute.getDescriptor())
          .add(LocalRateLimit.getDescriptor())
          .add(Cors.getDescriptor())
          .add(CorsPolicy.getDescriptor())
          .add(FilterConfig.getDescriptor())
          .add(CacheConfig.getDescriptor())
          .add(SimpleHttpCacheConfig.getDescriptor())
          .build();

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().usingTypeRegistry(TYPES).preservingProtoFieldNames().sortingMapKeys();

  private XdsJson() {}

  static String print(MessageOrBuilder resource) {
    try {
      return PRINTER.print(resource);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print an Envoy resource as JSON (an Any type missing from XdsJson?): "
              + e.getMessage(), e);
    }
  }
}
