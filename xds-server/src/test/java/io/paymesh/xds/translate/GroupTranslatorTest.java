package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.PolicySnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupTranslatorTest {
  private final GroupTranslator translator = new GroupTranslator();

  @Test
  void unknownService_translatesToNothing() {
    assertThat(translator.translate(PolicyFixtures.snapshot(), ProxyGroup.sidecar("nobody")))
        .isEmpty();
  }

  @Test
  void sidecar_resourcesAreSortedByName_withAnAssignmentPerEdsCluster() {
    GroupResources r =
        translator.translate(PolicyFixtures.snapshot(), ProxyGroup.sidecar("checkout")).get();

    assertThat(r.listeners()).extracting(Listener::getName)
        .containsExactly("inbound|grpc", "outbound");
    assertThat(r.routes()).extracting(RouteConfiguration::getName)
        .containsExactly("inbound|grpc", "outbound");
    assertThat(r.clusters()).extracting(Cluster::getName)
        .containsExactly("inbound|grpc", "ledger", "payments-v1", "payments-v2",
            "split|payments|charge-card", "stripe");
    assertThat(r.endpoints()).extracting(ClusterLoadAssignment::getClusterName)
        .containsExactly("ledger", "payments-v1", "payments-v2", "split|payments|charge-card");
    assertThat(r.endpoints().get(2).getEndpointsList()).isEmpty();
    assertThat(r.secrets()).extracting(Secret::getName).containsExactly("psp-ca-bundle");
  }

  @Test
  void proxyless_listenersAndRoutesPerDependencyHost_andPerServerPort() {
    GroupResources r =
        translator.translate(PolicyFixtures.snapshot(), ProxyGroup.proxyless("checkout")).get();

    assertThat(r.listeners()).extracting(Listener::getName).containsExactly(
        "grpc/server?xds.resource.listening_address=0.0.0.0:8443",
        "ledger", "payments", "payments-v1", "payments-v2", "stripe");
    assertThat(r.routes()).extracting(RouteConfiguration::getName).containsExactly(
        "inbound|grpc", "ledger", "payments", "payments-v1", "payments-v2", "stripe");
    assertThat(r.clusters()).extracting(Cluster::getName)
        .containsExactly("ledger", "payments-v1", "payments-v2", "split|payments|charge-card",
            "stripe");
    // grpc-java never asks for secrets, but its stripe cluster still names one, as before.
    assertThat(r.secrets()).extracting(Secret::getName).containsExactly("psp-ca-bundle");
  }

  @Test
  void sameInputTwice_givesEqualOutput() {
    for (ProxyGroup group : List.of(ProxyGroup.sidecar("checkout"),
        ProxyGroup.proxyless("checkout"), ProxyGroup.sidecar("payments-v1"))) {
      GroupResources first = translator.translate(PolicyFixtures.snapshot(), group).get();
      GroupResources second = new GroupTranslator().translate(PolicyFixtures.snapshot(), group)
          .get();

      assertThat(second).isEqualTo(first);
      assertThat(serialized(second)).isEqualTo(serialized(first));
    }
  }

  @Test
  void shuffledInsertionOrder_givesEqualOutput() {
    PolicySnapshot reference = PolicyFixtures.snapshot();
    Random random = new Random(7);
    for (int round = 0; round < 10; round++) {
      List<PolicyResource> resources = new ArrayList<>(PolicyFixtures.resources());
      List<Endpoint> endpoints = new ArrayList<>(PolicyFixtures.endpoints());
      Collections.shuffle(resources, random);
      Collections.shuffle(endpoints, random);
      PolicySnapshot.Builder b = PolicySnapshot.builder(42).addAll(resources);
      endpoints.forEach(b::addEndpoint);
      PolicySnapshot shuffled = b.build();

      for (ProxyGroup group : List.of(ProxyGroup.sidecar("checkout"),
          ProxyGroup.proxyless("checkout"), ProxyGroup.sidecar("payments-v1"))) {
        GroupResources expected = translator.translate(reference, group).get();
        GroupResources actual = translator.translate(shuffled, group).get();
        assertThat(serialized(actual)).isEqualTo(serialized(expected));
      }
    }
  }

  @Test
  void reorderedDependencies_giveEqualOutput() {
    Service checkout = PolicyFixtures.checkout();
    List<String> reversed = new ArrayList<>(checkout.spec().dependencies());
    Collections.reverse(reversed);
    Service.Spec spec = checkout.spec();
    PolicySnapshot.Builder b = PolicySnapshot.builder(42).addAll(PolicyFixtures.resources())
        .add(new Service("checkout", new Service.Spec(
            spec.ports(), spec.identity(), spec.pciScope(), reversed, spec.loadBalancing(),
            spec.circuitBreakers(), spec.outlierDetection())));
    PolicyFixtures.endpoints().forEach(b::addEndpoint);

    for (ProxyGroup group : List.of(ProxyGroup.sidecar("checkout"),
        ProxyGroup.proxyless("checkout"))) {
      assertThat(serialized(translator.translate(b.build(), group).get()))
          .isEqualTo(serialized(translator.translate(PolicyFixtures.snapshot(), group).get()));
    }
  }

  /** The wire bytes, deterministic serialization: what a content-hash version is computed from. */
  private static List<String> serialized(GroupResources r) {
    List<com.google.protobuf.Message> all = new ArrayList<>();
    all.addAll(r.listeners());
    all.addAll(r.routes());
    all.addAll(r.clusters());
    all.addAll(r.endpoints());
    all.addAll(r.secrets());
    List<String> out = new ArrayList<>();
    for (com.google.protobuf.Message m : all) {
      try {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream coded =
            com.google.protobuf.CodedOutputStream.newInstance(bytes);
        coded.useDeterministicSerialization();
        m.writeTo(coded);
        coded.flush();
        out.add(java.util.HexFormat.of().formatHex(bytes.toByteArray()));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return out;
  }

  @Test
  void cCore_getsNoStickySplitCluster_itHasNoRingHash() {
    GroupResources r = translator.translate(PolicyFixtures.snapshot(),
        new ProxyGroup("checkout", ClientFamily.GRPC_CORE)).get();

    assertThat(r.clusters()).extracting(Cluster::getName)
        .containsExactly("ledger", "payments-v1", "payments-v2", "stripe");
    assertThat(r.clusters()).allSatisfy(c ->
        assertThat(c.getLbPolicy()).isNotEqualTo(Cluster.LbPolicy.RING_HASH));
  }
}
