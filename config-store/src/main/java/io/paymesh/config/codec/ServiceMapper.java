package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.Service;
import io.paymesh.config.validation.ErrorCollector;
import java.util.List;

/** The spec of a Service document, in both directions. */
final class ServiceMapper {
  private ServiceMapper() {}

  static Service.Spec decode(NodeReader r) {
    List<Service.Port> ports = r.list("ports", true, ServiceMapper::port);
    String identity = r.string("identity");
    PciScope pciScope = r.enumValue("pciScope", PciScope.class, null);
    List<String> dependencies = r.strings("dependencies", false);
    LoadBalancing lb = r.enumValue("loadBalancing", LoadBalancing.class, LoadBalancing.ROUND_ROBIN);
    var circuitBreakers = ResilienceMapper.circuitBreakers(r);
    var outlierDetection = ResilienceMapper.outlierDetection(r);
    if (!r.finish()) {
      return null;
    }
    return new Service.Spec(
        ports, identity, pciScope, dependencies, lb, circuitBreakers, outlierDetection);
  }

  private static Service.Port port(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    Integer port = r.integer("port");
    Integer targetPort = r.integer("targetPort");
    Service.Protocol protocol = r.enumValue("protocol", Service.Protocol.class, null);
    return r.finish() ? new Service.Port(name, port, targetPort, protocol) : null;
  }

  static ObjectNode encode(Service.Spec spec) {
    ObjectNode n = Trees.object();
    ArrayNode ports = n.putArray("ports");
    for (Service.Port p : spec.ports()) {
      ObjectNode pn = ports.addObject();
      pn.put("name", p.name());
      pn.put("port", p.port());
      pn.put("targetPort", p.targetPort());
      pn.put("protocol", p.protocol().name());
    }
    n.put("identity", spec.identity());
    n.put("pciScope", spec.pciScope().name());
    Trees.putStringsIfAny(n, "dependencies", spec.dependencies());
    n.put("loadBalancing", spec.loadBalancing().name());
    ResilienceMapper.encode(n, spec.circuitBreakers(), spec.outlierDetection());
    return n;
  }
}
