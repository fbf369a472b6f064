package io.paymesh.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;

/** The access log every Envoy HCM must carry, written out literally for expected-proto tests. */
final class ExpectedAccessLog {
  private ExpectedAccessLog() {}

  static AccessLog of(String listener) {
    // In name order, as emitted (a map serializes in insertion order, and the Any's bytes count).
    Struct json = Struct.newBuilder()
        .putFields("bytes_received", text("%BYTES_RECEIVED%"))
        .putFields("bytes_sent", text("%BYTES_SENT%"))
        .putFields("duration_ms", text("%DURATION%"))
        .putFields("listener", text(listener))
        .putFields("method", text("%REQ(:METHOD)%"))
        .putFields("protocol", text("%PROTOCOL%"))
        .putFields("request_id", text("%REQ(X-REQUEST-ID)%"))
        .putFields("response_code", text("%RESPONSE_CODE%"))
        .putFields("response_flags", text("%RESPONSE_FLAGS%"))
        .putFields("route", text("%ROUTE_NAME%"))
        .putFields("start_time", text("%START_TIME%"))
        .putFields("upstream_cluster", text("%UPSTREAM_CLUSTER%"))
        .build();
    return AccessLog.newBuilder()
        .setName("envoy.access_loggers.stdout")
        .setTypedConfig(Any.pack(StdoutAccessLog.newBuilder()
            .setLogFormat(SubstitutionFormatString.newBuilder().setJsonFormat(json))
            .build()))
        .build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
