package io.paymesh.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Routing for one destination host: an ordered list of routes, first match wins. Callers reach the
 * host only if it is among their Service's dependencies, and every route target must be too.
 */
public record RouteTable(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.ROUTE_TABLE;
  }

  public record Spec(String host, List<Route> routes) {
    public Spec {
      routes = List.copyOf(routes);
    }
  }

  /**
   * @param operation what the route does to money; it decides which retries are safe
   * @param timeout the whole-request deadline, retries included
   * @param fault a drill's fault, injected only into requests that ask for the drill
   */
  public record Route(
      String name,
      RouteMatch match,
      Destination destination,
      OperationKind operation,
      Duration timeout,
      Optional<RetryPolicy> retry,
      Optional<FaultInjection> fault) {

    /** A route without a fault. */
    public Route(
        String name,
        RouteMatch match,
        Destination destination,
        OperationKind operation,
        Duration timeout,
        Optional<RetryPolicy> retry) {
      this(name, match, destination, operation, timeout, retry, Optional.empty());
    }
  }

  /**
   * Every condition must hold for the route to match.
   *
   * @param apiVersion the API version the route serves, in the path or in a header
   */
  public record RouteMatch(
      PathMatch path,
      List<String> methods,
      List<HeaderMatch> headers,
      List<QueryParameterMatch> queryParameters,
      Optional<ApiVersionMatch> apiVersion) {
    public RouteMatch {
      methods = List.copyOf(methods);
      headers = List.copyOf(headers);
      queryParameters = List.copyOf(queryParameters);
    }

    /** A match on path, methods and headers only. */
    public RouteMatch(PathMatch path, List<String> methods, List<HeaderMatch> headers) {
      this(path, methods, headers, List.of(), Optional.empty());
    }
  }

  /**
   * @param retryOn Envoy/gRPC retry conditions, e.g. {@code connect-failure}, {@code 5xx},
   *     {@code unavailable}
   * @param perTryTimeout required when 5xx-like conditions are retried (invariant 2)
   */
  public record RetryPolicy(List<String> retryOn, int numRetries, Optional<Duration> perTryTimeout) {
    public RetryPolicy {
      retryOn = List.copyOf(retryOn);
    }
  }
}
