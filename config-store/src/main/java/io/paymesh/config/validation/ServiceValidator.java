package io.paymesh.config.validation;

import io.paymesh.config.model.Service;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Rules of a Service spec: ports, SPIFFE identity, PCI scope, egress dependencies, resilience. */
final class ServiceValidator {
  static final String DUPLICATE_PORT = "duplicate port";
  static final String DUPLICATE_DEPENDENCY = "duplicate dependency";
  static final String SELF_DEPENDENCY = "must not be the service itself";

  private ServiceValidator() {}

  static void validate(ErrorCollector c, Service service) {
    Service.Spec spec = service.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    ports(c, spec.ports());
    if (c.at("identity").require(spec.identity()) && !Names.isSpiffeId(spec.identity())) {
      c.add("identity", Messages.SPIFFE_ID);
    }
    c.at("pciScope").require(spec.pciScope());
    dependencies(c, service.name(), spec.dependencies());
    c.at("loadBalancing").require(spec.loadBalancing());
    ResilienceValidator.validate(c, spec.circuitBreakers(), spec.outlierDetection());
  }

  private static void ports(ErrorCollector c, List<Service.Port> ports) {
    if (!Checks.notEmpty(c.at("ports"), ports)) {
      return;
    }
    Checks.uniqueNames(c, "ports", ports, Service.Port::name);
    Set<Integer> numbers = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      Service.Port p = ports.get(i);
      ErrorCollector pc = c.atElement("ports", i, p.name());
      Checks.dnsLabel(pc.at("name"), p.name());
      Checks.port(pc.at("port"), p.port());
      if (!numbers.add(p.port())) {
        pc.add("port", DUPLICATE_PORT);
      }
      Checks.port(pc.at("targetPort"), p.targetPort());
      pc.at("protocol").require(p.protocol());
    }
  }

  private static void dependencies(ErrorCollector c, String self, List<String> dependencies) {
    if (!c.at("dependencies").require(dependencies)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < dependencies.size(); i++) {
      String d = dependencies.get(i);
      ErrorCollector dc = c.atIndex("dependencies", i);
      Checks.dnsName(dc, d);
      if (d == null) {
        continue;
      }
      if (!seen.add(d)) {
        dc.add(DUPLICATE_DEPENDENCY);
      } else if (d.equals(self)) {
        dc.add(SELF_DEPENDENCY);
      }
    }
  }
}
