package io.paymesh.config.model;

import java.util.List;
import java.util.Optional;

/**
 * A workload in the mesh. Its sidecar gets one inbound listener per port (guarded by RBAC built from
 * the AuthorizationPolicies naming it) and outbound routes to its {@code dependencies} only.
 */
public record Service(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.SERVICE;
  }

  /**
   * @param ports inbound ports: the sidecar listens on {@code port} and forwards to the local app on
   *     {@code targetPort}
   * @param identity the workload's SPIFFE ID, as presented in its mTLS certificate SAN
   * @param dependencies the egress allow-list: names of Services, PaymentProcessors or RouteTable
   *     hosts this service may call; nothing else is reachable from it
   */
  public record Spec(
      List<Port> ports,
      String identity,
      PciScope pciScope,
      List<String> dependencies,
      LoadBalancing loadBalancing,
      Optional<CircuitBreakers> circuitBreakers,
      Optional<OutlierDetection> outlierDetection) {
    public Spec {
      ports = List.copyOf(ports);
      dependencies = List.copyOf(dependencies);
    }
  }

  public record Port(String name, int port, int targetPort, Protocol protocol) {}

  public enum Protocol {
    HTTP,
    GRPC
  }
}
