package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A walk pruned by {@link TypeReach} skips what cannot hold a wanted type and still visits every
 * wanted message a full walk visits, at the same paths, Any payloads included.
 */
class TypeReachTest {
  private static final Set<Descriptor> WANTED = Set.of(DataSource.getDescriptor(),
      HeaderMatcher.getDescriptor(), RouteMatch.getDescriptor(),
      CertificateValidationContext.getDescriptor());

  @Test
  void typesThatCannotHoldAWantedOne_areNotEntered() {
    TypeReach keys = new TypeReach(Set.of(DataSource.getDescriptor()));

    assertThat(keys.mayHold(Duration.getDescriptor())).isFalse();
    assertThat(keys.mayHold(Struct.getDescriptor())).as("Struct nests itself, no Any").isFalse();
    assertThat(keys.mayHold(DataSource.getDescriptor())).isTrue();
    assertThat(keys.mayHold(Any.getDescriptor())).isTrue();
    assertThat(keys.mayHold(Cluster.getDescriptor())).as("through transport_socket's Any")
        .isTrue();
  }

  @Test
  void aPrunedWalk_visitsEveryWantedMessageOfTheTranslatedGroups() {
    for (ProxyGroup group : List.of(GateFixtures.SIDECAR, GateFixtures.PROXYLESS)) {
      GroupResources resources = GateFixtures.translate(group);
      List<Message> all = Stream.of(resources.listeners(), resources.routes(),
          resources.clusters(), resources.endpoints(), resources.secrets())
          .flatMap(List::stream).map(Message.class::cast).toList();
      for (Message resource : all) {
        Visits full = new Visits();
        Visits pruned = new Visits();
        MessageWalk.walk(resource, TypeReach.everyType(), full);
        MessageWalk.walk(resource, new TypeReach(WANTED), pruned);

        assertThat(pruned.wanted).as("%s %s", group, resource.getDescriptorForType().getName())
            .isEqualTo(full.wanted);
        assertThat(pruned.all).isLessThanOrEqualTo(full.all);
      }
    }
  }

  @Test
  void pruning_skipsMostOfAListener() {
    GroupResources resources = GateFixtures.translate(GateFixtures.SIDECAR);
    Visits full = new Visits();
    Visits pruned = new Visits();
    resources.listeners().forEach(l -> MessageWalk.walk(l, TypeReach.everyType(), full));
    resources.listeners().forEach(l -> MessageWalk.walk(
        l, new TypeReach(Set.of(DataSource.getDescriptor())), pruned));

    assertThat(full.all).isPositive();
    assertThat(pruned.all).isLessThan(full.all);
  }

  /** Counts what a walk visits, and records where it met a wanted message. */
  private static final class Visits implements MessageWalk.Visitor {
    final List<String> wanted = new ArrayList<>();
    int all;

    @Override
    public boolean visit(FieldPath path, FieldDescriptor field, Message message) {
      all++;
      if (WANTED.contains(message.getDescriptorForType())) {
        wanted.add(path + " " + message.getDescriptorForType().getName());
      }
      return true;
    }

    @Override
    public void unknownType(FieldPath path, Any any) {
      wanted.add(path + " unknown " + any.getTypeUrl());
    }

    @Override
    public void undecodable(FieldPath path, Any any) {
      wanted.add(path + " undecodable " + any.getTypeUrl());
    }
  }
}
