package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GatewayFixtures;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A {@link MessageFieldReader} reads what protobuf's reflection reads, instance for instance, and
 * finds the generated accessors of every field of every type a resource paymesh emits can hold
 * (a field it read through reflection would be correct but slow, so that is caught here).
 */
class MessageFieldReaderTest {

  @Test
  void everyMessageFieldOfEveryEmittableType_isReadThroughItsAccessors() {
    List<String> reflective = new ArrayList<>();
    int fields = 0;
    for (Message type : reachableTypes()) {
      for (FieldDescriptor field : type.getDescriptorForType().getFields()) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
          continue;
        }
        fields++;
        if (!MessageFieldReader.of(type, field).readsAccessors()) {
          reflective.add(field.getFullName());
        }
      }
    }

    assertThat(fields).as("message fields of the emittable types").isGreaterThan(500);
    assertThat(reflective).isEmpty();
  }

  @Test
  void translatedResources_readAsReflectionReadsThem_inEveryFamily() {
    PolicySnapshot gateway = GatewayFixtures.snapshot();
    int compared = 0;
    for (ProxyGroup group : Stream.concat(ProxyGroup.everyFamily(GateFixtures.SIDECAR.service())
        .stream(), ProxyGroup.everyFamily("edge").stream()).toList()) {
      GroupResources resources = group.service().equals("edge")
          ? GateFixtures.translate(gateway, group) : GateFixtures.translate(group);
      for (Message resource : all(resources)) {
        compared += compareWithReflection(resource);
      }
    }

    assertThat(compared).as("fields compared").isGreaterThan(1_000);
  }

  @Test
  void aMessageOfAnotherClass_isReadThroughReflection() throws Exception {
    Cluster cluster = Cluster.newBuilder().setName("payments")
        .setTransportSocket(TransportSocket.newBuilder().setName("tls")).build();
    FieldDescriptor socket = Cluster.getDescriptor().findFieldByName("transport_socket");
    MessageFieldReader reader = MessageFieldReader.of(Cluster.getDefaultInstance(), socket);
    DynamicMessage dynamic = DynamicMessage.parseFrom(Cluster.getDescriptor(),
        cluster.toByteString());

    assertThat(reader.readsAccessors()).isTrue();
    assertThat(reader.has(dynamic)).isTrue();
    assertThat(reader.get(dynamic)).isSameAs(dynamic.getField(socket));
    assertThat(reader.get(cluster)).isSameAs(cluster.getTransportSocket());
  }

  @Test
  void aDynamicSample_hasNoAccessors_andIsStillRead() {
    FieldDescriptor socket = Cluster.getDescriptor().findFieldByName("transport_socket");
    DynamicMessage sample = DynamicMessage.getDefaultInstance(Cluster.getDescriptor());
    Cluster cluster = Cluster.newBuilder()
        .setTransportSocket(TransportSocket.newBuilder().setName("tls")).build();

    MessageFieldReader reader = MessageFieldReader.of(sample, socket);

    assertThat(reader.readsAccessors()).isFalse();
    assertThat(reader.get(cluster)).isSameAs(cluster.getTransportSocket());
  }

  @Test
  void onlyMessageFieldsOfTheSamplesType_haveReaders() {
    FieldDescriptor name = Cluster.getDescriptor().findFieldByName("name");
    FieldDescriptor listenerFilters = Listener.getDescriptor().findFieldByName("listener_filters");
    FieldDescriptor metadataMap = Metadata.getDescriptor()
        .findFieldByName("filter_metadata");

    assertThatThrownBy(() -> MessageFieldReader.of(Cluster.getDefaultInstance(), name))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a message field");
    assertThatThrownBy(() -> MessageFieldReader.of(Cluster.getDefaultInstance(), listenerFilters))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a field of envoy.config.cluster.v3.Cluster");
    assertThatThrownBy(() -> MessageFieldReader.of(
        Metadata.getDefaultInstance(), metadataMap))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a message field");
  }

  @Test
  void accessorNames_followProtoc() {
    assertThat(MessageFieldReader.capitalizedCamelCase("typed_config")).isEqualTo("TypedConfig");
    assertThat(MessageFieldReader.capitalizedCamelCase("ipv4_compat")).isEqualTo("Ipv4Compat");
    assertThat(MessageFieldReader.capitalizedCamelCase("http2_protocol_options"))
        .isEqualTo("Http2ProtocolOptions");
    assertThat(MessageFieldReader.capitalizedCamelCase("x509v3_ext")).isEqualTo("X509V3Ext");
    assertThat(MessageFieldReader.capitalizedCamelCase("name")).isEqualTo("Name");
  }

  /** Compares every reader of the message tree under {@code message} with reflection. */
  private static int compareWithReflection(Message message) {
    int compared = 0;
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
        continue;
      }
      MessageFieldReader reader = MessageFieldReader.of(message, field);
      compared++;
      if (field.isRepeated()) {
        assertThat(reader.count(message)).as(field.getFullName())
            .isEqualTo(message.getRepeatedFieldCount(field));
        for (int i = 0; i < reader.count(message); i++) {
          Message element = reader.get(message, i);
          assertThat(element).as(field.getFullName())
              .isSameAs(message.getRepeatedField(field, i));
          compared += compareWithReflection(element);
        }
      } else {
        assertThat(reader.has(message)).as(field.getFullName())
            .isEqualTo(message.hasField(field));
        assertThat(reader.get(message)).as(field.getFullName())
            .isSameAs(message.getField(field));
        if (reader.has(message)) {
          compared += compareWithReflection(reader.get(message));
        }
      }
    }
    for (Message payload : TypedConfigTypes.all()) {
      if (message instanceof Any any && any.isSameTypeAs(payload)) {
        compared += compareWithReflection(TypedConfigTypes.unpackAs(any, payload).orElseThrow());
      }
    }
    return compared;
  }

  private static List<Message> all(GroupResources resources) {
    return Stream.of(resources.listeners(), resources.routes(), resources.clusters(),
        resources.endpoints(), resources.secrets()).flatMap(List::stream)
        .map(Message.class::cast).toList();
  }

  /**
   * A default instance of every generated type the resources can hold, Any payloads of the types
   * paymesh packs included, following message fields and map values.
   */
  private static List<Message> reachableTypes() {
    Deque<Message> next = new ArrayDeque<>(List.of(Listener.getDefaultInstance(),
        RouteConfiguration.getDefaultInstance(), Cluster.getDefaultInstance(),
        ClusterLoadAssignment.getDefaultInstance(), Secret.getDefaultInstance()));
    next.addAll(TypedConfigTypes.all());
    Set<String> seen = new HashSet<>();
    List<Message> types = new ArrayList<>();
    while (!next.isEmpty()) {
      Message type = next.poll();
      if (!seen.add(type.getDescriptorForType().getFullName())) {
        continue;
      }
      types.add(type);
      for (FieldDescriptor field : type.getDescriptorForType().getFields()) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          continue;
        }
        Message.Builder held = type.newBuilderForType().newBuilderForField(field);
        if (field.isMapField()) {
          FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
          if (value.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            continue;
          }
          held = held.newBuilderForField(value);
        }
        next.add(held.getDefaultInstanceForType());
      }
    }
    return types;
  }
}
