package io.paymesh.xds.translate;

import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The access log of every Envoy HCM paymesh emits (sidecar inbound and outbound, gateway): one
 * JSON object per request on stdout, with a fixed field list. It names the request (request id,
 * method, route, listener) and its outcome (upstream cluster, response code and flags, duration,
 * bytes), and nothing a caller sends as data: no path or query (a URL may carry card data), no
 * header but the request id and method, never Authorization, Cookie or a JWT (PCI DSS 3 and 10).
 * The Gate ({@code AccessLogCheck}) refuses a format that reads a credential header.
 *
 * <p>Only Envoy gets it: gRPC libraries do not run Envoy access loggers; a proxyless app logs its
 * own calls.
 */
final class AccessLogTranslator {
  /** Field name -> Envoy command; a value that is only a command keeps its type (numbers). */
  static final Map<String, String> FIELDS = fields();

  private static Map<String, String> fields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("start_time", "%START_TIME%");
    f.put("request_id", "%REQ(X-REQUEST-ID)%");
    f.put("method", "%REQ(:METHOD)%");
    f.put("protocol", "%PROTOCOL%");
    f.put("route", "%ROUTE_NAME%");
    f.put("upstream_cluster", "%UPSTREAM_CLUSTER%");
    f.put("response_code", "%RESPONSE_CODE%");
    f.put("response_flags", "%RESPONSE_FLAGS%");
    f.put("duration_ms", "%DURATION%");
    f.put("bytes_received", "%BYTES_RECEIVED%");
    f.put("bytes_sent", "%BYTES_SENT%");
    return Collections.unmodifiableMap(f);
  }

  /**
   * One access log per listener name (a handful: {@code outbound}, {@code inbound|<port name>},
   * the gateway's listeners), shared by every group's listener of that name: its JSON format and
   * packed config are built once, not for every listener. Bounded, as port names come from the
   * policy.
   */
  private static final LoadingCache<String, AccessLog> BY_LISTENER = CacheBuilder.newBuilder()
      .maximumSize(1_000)
      .build(CacheLoader.from(AccessLogTranslator::build));

  /** The stdout JSON access log of the HCM of listener {@code listener}. */
  static AccessLog stdoutJson(String listener) {
    return BY_LISTENER.getUnchecked(listener);
  }

  private static AccessLog build(String listener) {
    // Fields in name order: a map is serialized in insertion order, and equal configs must be
    // equal bytes (content-hashed versions, and a config dump that parses back to the same).
    TreeMap<String, String> fields = new TreeMap<>(FIELDS);
    fields.put("listener", listener);
    Struct.Builder json = Struct.newBuilder();
    fields.forEach((k, v) -> json.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return AccessLog.newBuilder()
        .setName(XdsNames.STDOUT_ACCESS_LOG)
        .setTypedConfig(Any.pack(StdoutAccessLog.newBuilder()
            .setLogFormat(SubstitutionFormatString.newBuilder().setJsonFormat(json))
            .build()))
        .build();
  }
}
