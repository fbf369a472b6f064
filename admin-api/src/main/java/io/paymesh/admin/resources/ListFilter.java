package io.paymesh.admin.resources;

import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PolicyReferences;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The filters of {@code GET /v1/{kind}}: {@code namePrefix} for every kind; {@code service} for
 * every kind (documents that target or route to that service, see PolicyReferences);
 * {@code host} for RouteTables; {@code pciScope} for Services. A filter that does not apply to
 * the kind is a 400 rather than silently ignored.
 */
record ListFilter(Optional<String> namePrefix, Optional<String> service, Optional<String> host,
    Optional<PciScope> pciScope) implements Predicate<PolicyResource> {

  static ListFilter of(Kind kind, String namePrefix, String service, String host, String pciScope) {
    if (host != null && kind != Kind.ROUTE_TABLE) {
      throw ApiException.badRequest("the host filter applies only to routetables");
    }
    if (pciScope != null && kind != Kind.SERVICE) {
      throw ApiException.badRequest("the pciScope filter applies only to services");
    }
    Optional<PciScope> scope = Optional.ofNullable(pciScope).map(ListFilter::scope);
    return new ListFilter(Optional.ofNullable(namePrefix), Optional.ofNullable(service),
        Optional.ofNullable(host), scope);
  }

  private static PciScope scope(String value) {
    return Arrays.stream(PciScope.values())
        .filter(s -> s.name().equals(value))
        .findFirst()
        .orElseThrow(() -> ApiException.badRequest("pciScope must be one of CDE, CONNECTED, NONE"));
  }

  @Override
  public boolean test(PolicyResource resource) {
    return namePrefix.map(p -> resource.name().startsWith(p)).orElse(true)
        && service.map(s -> PolicyReferences.servicesNamed(resource).contains(s)).orElse(true)
        && host.map(h -> ((RouteTable) resource).spec().host().equals(h)).orElse(true)
        && pciScope.map(p -> ((Service) resource).spec().pciScope() == p).orElse(true);
  }

  /**
   * Whether a damaged document is listed: judged by its last good version when one is known
   * (that is what proxies get); without one, its content cannot be judged, so it is listed when
   * its name matches and no filter on the content is given.
   */
  boolean testDamaged(String name, Optional<PolicyResource> lastGood) {
    if (lastGood.isPresent()) {
      return test(lastGood.get());
    }
    return namePrefix.map(name::startsWith).orElse(true)
        && service.isEmpty() && host.isEmpty() && pciScope.isEmpty();
  }
}
