package io.paymesh.config.validation;

import io.paymesh.config.model.RouteTable;
import java.util.List;

/** Rules of a RouteTable spec: the host, and each route's match, destination, timeout and retry. */
final class RouteTableValidator {
  private RouteTableValidator() {}

  static void validate(ErrorCollector c, RouteTable table) {
    RouteTable.Spec spec = table.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    Checks.dnsName(c.at("host"), spec.host());
    List<RouteTable.Route> routes = spec.routes();
    if (!Checks.notEmpty(c.at("routes"), routes)) {
      return;
    }
    Checks.uniqueNames(c, "routes", routes, RouteTable.Route::name);
    for (int i = 0; i < routes.size(); i++) {
      RouteTable.Route r = routes.get(i);
      route(c.atElement("routes", i, r.name()), r);
    }
  }

  private static void route(ErrorCollector c, RouteTable.Route route) {
    Checks.dnsLabel(c.at("name"), route.name());
    RouteMatchValidator.validate(c.at("match"), route.match());
    c.at("operation").require(route.operation());
    DestinationValidator.validate(c.at("destination"), route.destination(), route.operation());
    boolean timeoutValid = Checks.positive(c.at("timeout"), route.timeout());
    if (route.retry() != null) {
      route.retry().ifPresent(
          retry -> RetryPolicyValidator.validate(
              c.at("retry"), retry, timeoutValid ? route.timeout() : null));
    }
    if (route.fault() != null) {
      route.fault().ifPresent(
          fault -> FaultInjectionValidator.validate(
              c.at("fault"), fault, route.operation(), timeoutValid ? route.timeout() : null));
    }
  }
}
