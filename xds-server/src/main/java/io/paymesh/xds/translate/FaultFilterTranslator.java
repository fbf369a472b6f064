package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;
import static io.paymesh.xds.translate.ProtoValues.uint32;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP fault filter of drills ({@code envoy.filters.http.fault}; gRPC clients implement it too,
 * gRFC A33). The filter an HCM lists injects nothing by itself: each drill route carries its fault
 * in {@code typed_per_filter_config}, which replaces the filter's config for that route only, so a
 * fault exists only on routes that require the drill header.
 */
final class FaultFilterTranslator {

  /**
   * The dependency hosts of {@code service} whose RouteTable declares a fault: the HCMs serving
   * them need the filter. The others are left without it, so a policy without drills translates
   * exactly as before.
   */
  Set<String> drillHosts(PolicySnapshot snapshot, Service service) {
    Set<String> hosts = new TreeSet<>();
    for (String host : service.spec().dependencies()) {
      boolean drills = snapshot.routeTableForHost(host)
          .map(t -> t.spec().routes().stream().anyMatch(r -> r.fault().isPresent()))
          .orElse(false);
      if (drills) {
        hosts.add(host);
      }
    }
    return hosts;
  }

  /** The HCM's fault filter, listed before the router; empty, so it injects nothing by itself. */
  HttpFilter httpFilter() {
    return HttpFilter.newBuilder()
        .setName(XdsNames.FAULT_FILTER)
        .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))
        .build();
  }

  /**
   * One drill route's fault. {@code headers} repeats the route's drill header condition: Envoy
   * checks it as well (grpc-java ignores the field, so the route match is what gates it there).
   */
  Any perRouteConfig(FaultInjection fault, HeaderMatcher drillHeader) {
    HTTPFault.Builder config =
        HTTPFault.newBuilder()
            .addHeaders(drillHeader)
            .setMaxActiveFaults(uint32(fault.maxActiveFaults()));
    fault.delay().ifPresent(
        d -> config.setDelay(
            FaultDelay.newBuilder()
                .setFixedDelay(duration(d.duration()))
                .setPercentage(percent(d.percentage()))));
    fault.abort().ifPresent(a -> config.setAbort(abort(a)));
    return Any.pack(config.build());
  }

  private static FaultAbort abort(FaultInjection.Abort abort) {
    FaultAbort.Builder builder = FaultAbort.newBuilder().setPercentage(percent(abort.percentage()));
    if (abort.status() instanceof FaultInjection.HttpStatus http) {
      builder.setHttpStatus(http.code());
    } else if (abort.status() instanceof FaultInjection.GrpcStatus grpc) {
      builder.setGrpcStatus(grpc.code().number());
    } else {
      throw new AssertionError("unknown abort status " + abort.status());
    }
    return builder.build();
  }

  private static FractionalPercent percent(int percentage) {
    return FractionalPercent.newBuilder()
        .setNumerator(percentage)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED)
        .build();
  }
}
