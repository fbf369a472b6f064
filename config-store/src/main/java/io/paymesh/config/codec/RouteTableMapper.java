package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.validation.ErrorCollector;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The spec of a RouteTable document and its routes, in both directions. */
final class RouteTableMapper {
  private RouteTableMapper() {}

  static RouteTable.Spec decode(NodeReader r) {
    String host = r.string("host");
    List<RouteTable.Route> routes = r.list("routes", true, RouteTableMapper::route);
    return r.finish() ? new RouteTable.Spec(host, routes) : null;
  }

  private static RouteTable.Route route(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    NodeReader matchReader = r.object("match", true);
    RouteTable.RouteMatch match = matchReader == null ? null : RouteMatchMapper.decode(matchReader);
    NodeReader destinationReader = r.object("destination", true);
    Destination destination =
        destinationReader == null ? null : DestinationMapper.decode(destinationReader);
    OperationKind operation = r.enumValue("operation", OperationKind.class, null);
    Duration timeout = r.duration("timeout");
    Optional<RouteTable.RetryPolicy> retry = retry(r.object("retry", false));
    Optional<FaultInjection> fault = FaultInjectionMapper.decode(r.object("fault", false));
    if (!r.finish()) {
      return null;
    }
    return new RouteTable.Route(name, match, destination, operation, timeout, retry, fault);
  }

  private static Optional<RouteTable.RetryPolicy> retry(NodeReader r) {
    if (r == null) {
      return Optional.empty();
    }
    List<String> retryOn = r.strings("retryOn", true);
    Integer numRetries = r.integer("numRetries");
    Optional<Duration> perTryTimeout = r.optionalDuration("perTryTimeout");
    if (!r.finish()) {
      return Optional.empty();
    }
    return Optional.of(new RouteTable.RetryPolicy(retryOn, numRetries, perTryTimeout));
  }

  static ObjectNode encode(RouteTable.Spec spec) {
    ObjectNode n = Trees.object();
    n.put("host", spec.host());
    ArrayNode routes = n.putArray("routes");
    for (RouteTable.Route route : spec.routes()) {
      ObjectNode rn = routes.addObject();
      rn.put("name", route.name());
      rn.set("match", RouteMatchMapper.encode(route.match()));
      rn.set("destination", DestinationMapper.encode(route.destination()));
      rn.put("operation", route.operation().name());
      Trees.putDuration(rn, "timeout", route.timeout());
      route.retry().ifPresent(retry -> rn.set("retry", encode(retry)));
      route.fault().ifPresent(fault -> rn.set("fault", FaultInjectionMapper.encode(fault)));
    }
    return n;
  }

  private static ObjectNode encode(RouteTable.RetryPolicy retry) {
    ObjectNode n = Trees.object();
    Trees.putStrings(n, "retryOn", retry.retryOn());
    n.put("numRetries", retry.numRetries());
    Trees.putDuration(n, "perTryTimeout", retry.perTryTimeout());
    return n;
  }
}
