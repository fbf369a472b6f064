package io.paymesh.config.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.graph.MeshGraph.Access;
import io.paymesh.config.graph.MeshGraph.Edge;
import io.paymesh.config.graph.MeshGraph.Node;
import io.paymesh.config.graph.MeshGraph.NodeKind;
import io.paymesh.config.graph.MeshGraph.Transport;
import io.paymesh.config.graph.MeshGraph.Zone;
import io.paymesh.config.store.PolicySnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The mesh picture of the shipped example policy, and the cases it does not have. */
class MeshGraphTest {
  private static final Path EXAMPLE =
      Path.of("..", "envoy-configs", "examples", "payments-policy.yaml");
  private final PolicyCodec codec = new PolicyCodec();

  @Test
  void theExample_hasItsServicesInTheirZones_processorsOutside_andEveryDeclaredCall()
      throws Exception {
    MeshGraph graph = MeshGraph.of(policy(Files.readString(EXAMPLE), 42));

    assertThat(graph.revision()).isEqualTo(42);
    assertThat(graph.nodes()).containsExactly(
        new Node("service/checkout", "checkout", NodeKind.SERVICE, Zone.CONNECTED,
            "mTLS STRICT"),
        new Node("service/edge", "edge", NodeKind.SERVICE, Zone.CONNECTED, "mTLS STRICT"),
        new Node("service/ledger", "ledger", NodeKind.SERVICE, Zone.CDE, "mTLS STRICT"),
        new Node("service/payments-v1", "payments-v1", NodeKind.SERVICE, Zone.CDE,
            "mTLS STRICT"),
        new Node("service/payments-v2", "payments-v2", NodeKind.SERVICE, Zone.CDE,
            "mTLS STRICT"),
        new Node("processor/adyen", "adyen", NodeKind.PAYMENT_PROCESSOR, Zone.EXTERNAL,
            "TLS to checkout-live.adyen.com"),
        new Node("processor/stripe", "stripe", NodeKind.PAYMENT_PROCESSOR, Zone.EXTERNAL,
            "TLS to api.stripe.com"),
        new Node("public/public-api", "clients of public-api", NodeKind.PUBLIC_CLIENTS,
            Zone.PUBLIC, "HTTPS on 8443"),
        new Node("host/payments", "payments", NodeKind.ROUTE_HOST, Zone.ROUTING,
            "RouteTable payments"));
    assertThat(graph.edges()).contains(
        new Edge("service/checkout", "host/payments", Access.ROUTE, Transport.NONE,
            "calls by host"),
        new Edge("service/checkout", "service/payments-v1", Access.ALLOWED, Transport.MTLS,
            "mTLS, allowed by payments-v1-callers/checkout-charges, "
                + "payments-v1-callers/checkout-reads"),
        new Edge("service/payments-v1", "service/ledger", Access.ALLOWED, Transport.MTLS,
            "mTLS, allowed by ledger-callers/payments-postings"),
        new Edge("service/payments-v1", "processor/stripe", Access.EGRESS, Transport.TLS,
            "TLS, processor SAN verified"),
        new Edge("service/payments-v2", "processor/adyen", Access.EGRESS, Transport.TLS,
            "TLS, processor SAN verified"),
        new Edge("public/public-api", "service/edge", Access.PUBLIC, Transport.TLS,
            "HTTPS, JWT from https://auth.paymesh.example"),
        new Edge("service/edge", "service/payments-v2", Access.ALLOWED, Transport.MTLS,
            "mTLS, allowed by payments-v2-callers/public-api-v2"));
    assertThat(graph.edges()).filteredOn(e -> e.from().equals("host/payments"))
        .extracting(Edge::to).containsExactlyInAnyOrder(
            "service/payments-v1", "service/payments-v2");
    assertThat(graph.edges()).noneMatch(e -> e.access() == Access.DENIED);
    // Internet -> edge; checkout: host + 2 services; edge: 2 services; payments-v1/v2: ledger +
    // 2 processors each; host: 2 targets.
    assertThat(graph.edges()).hasSize(1 + 3 + 2 + 3 + 3 + 2);
  }

  @Test
  void aCallNoPolicyAdmits_isDenied_aShadowOnlyOneToo_andPermissiveIsSaid() throws Exception {
    MeshGraph graph = MeshGraph.of(policy("""
        kind: Service
        name: web
        spec:
          ports: [{name: http, port: 8080, targetPort: 8080, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/shop/sa/web
          pciScope: NONE
          dependencies: [catalog, search]
        ---
        kind: Service
        name: catalog
        spec:
          ports: [{name: http, port: 8080, targetPort: 8080, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/shop/sa/catalog
          pciScope: NONE
        ---
        kind: Service
        name: search
        spec:
          ports: [{name: http, port: 8080, targetPort: 8080, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/shop/sa/search
          pciScope: NONE
        ---
        kind: PeerAuthentication
        name: search-permissive
        spec: {service: search, mode: PERMISSIVE}
        ---
        kind: AuthorizationPolicy
        name: search-trial
        spec:
          service: search
          mode: SHADOW
          rules:
            - name: web-reads
              callers: [web]
              to: [{methods: [GET], paths: [{prefix: /}]}]
        """, 7));

    assertThat(graph.edges()).containsExactly(
        new Edge("service/web", "service/catalog", Access.DENIED, Transport.MTLS,
            "mTLS, denied: no AuthorizationPolicy admits web"),
        new Edge("service/web", "service/search", Access.SHADOW_ONLY, Transport.MTLS,
            "mTLS, denied (SHADOW search-trial/web-reads would allow)"));
    assertThat(graph.nodes()).filteredOn(n -> n.name().equals("search")).singleElement()
        .extracting(Node::detail).isEqualTo("mTLS PERMISSIVE: also accepts plaintext");
    assertThat(graph.nodes()).extracting(Node::zone).containsOnly(Zone.OUT_OF_SCOPE);
  }

  @Test
  void dot_drawsTheCdeBoundaryAsACluster_andEscapesWhatItQuotes() throws Exception {
    String dot = DotFormat.render(MeshGraph.of(policy(Files.readString(EXAMPLE), 3)));

    assertThat(dot).startsWith("digraph paymesh {\n")
        .contains("label=\"paymesh mesh at etcd revision 3\"")
        .contains("subgraph \"cluster_cde\" {\n"
            + "    label=\"Cardholder data environment (PCI DSS scope)\"")
        .contains("    \"service/ledger\" [label=\"ledger\\nmTLS STRICT\"];")
        .contains("\"service/checkout\" -> \"service/payments-v1\" [label=\"mTLS, allowed by")
        .contains("\"host/payments\" [label=\"payments\\nRouteTable payments\", shape=ellipse]")
        .endsWith("}\n");
    assertThat(DotFormat.quote("a \"b\" \\ c\nd")).isEqualTo("\"a \\\"b\\\" \\\\ c\\nd\"");
  }

  @Test
  void mermaid_hasOneSubgraphPerZone_andPlainIds() throws Exception {
    String mermaid = MermaidFormat.render(MeshGraph.of(policy(Files.readString(EXAMPLE), 3)));

    assertThat(mermaid).startsWith("%% paymesh mesh at etcd revision 3\nflowchart LR\n")
        .contains("  subgraph zone_cde[\"Cardholder data environment (PCI DSS scope)\"]\n"
            + "    service_ledger[\"ledger<br/>mTLS STRICT\"]\n")
        .contains("    host_payments([\"payments<br/>RouteTable payments\"])\n")
        .contains("  service_payments_v1 -->|\"TLS, processor SAN verified\"| processor_stripe\n")
        .contains("  service_checkout -.->|\"calls by host\"| host_payments\n");
  }

  private PolicySnapshot policy(String yaml, long revision) throws Exception {
    return PolicySnapshot.builder(revision).addAll(codec.decodeAll(yaml)).build();
  }
}
