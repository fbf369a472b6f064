package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FieldRulesTest {

  /**
   * What makes invariant 9 complete: from the resource types and every typed config paymesh
   * emits, each message type a field can lead to has a generated validator, unless its file
   * declares no rules. A type added to TypedConfigTypes without its file in
   * envoy-validators/emitted-protos.txt fails here, not in production.
   */
  @Test
  void everyTypeReachableFromWhatPaymeshEmits_thatCanHaveRules_hasAValidator() {
    List<Message> roots = Stream.concat(
        Stream.of(Listener.getDefaultInstance(), RouteConfiguration.getDefaultInstance(),
            Cluster.getDefaultInstance(), ClusterLoadAssignment.getDefaultInstance(),
            Secret.getDefaultInstance()),
        TypedConfigTypes.all().stream()).toList();
    Set<String> seen = new HashSet<>();
    List<String> missing = new ArrayList<>();
    Deque<Message> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      Message type = todo.pop();
      if (!seen.add(type.getDescriptorForType().getFullName())) {
        continue;
      }
      if (FieldRules.declaresRules(type.getDescriptorForType())
          && FieldRules.validatorOf(type.getClass()).isEmpty()) {
        missing.add(type.getDescriptorForType().getFullName());
      }
      for (FieldDescriptor field : type.getDescriptorForType().getFields()) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          todo.push(fieldType(type, field));
        }
      }
    }

    assertThat(seen).hasSizeGreaterThan(300);
    assertThat(missing).isEmpty();
  }

  @Test
  void typesOfFilesWithoutRules_declareNoneAndHaveNoValidator() {
    assertThat(FieldRules.declaresRules(RBAC.getDescriptor())).isFalse();
    assertThat(FieldRules.validatorOf(RBAC.class)).isEmpty();
    assertThat(FieldRules.declaresRules(Duration.getDescriptor())).isFalse();
    assertThat(FieldRules.declaresRules(Cluster.getDescriptor())).isTrue();
    assertThat(FieldRules.validatorOf(Cluster.class)).isPresent();
    assertThat(FieldRules.validatorOf(Cluster.EdsClusterConfig.class)).isPresent();
  }

  /** A default instance of the field's message type; for a map, of its values. */
  private static Message fieldType(Message owner, FieldDescriptor field) {
    Message.Builder builder = owner.newBuilderForType().newBuilderForField(field);
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
      return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          ? builder.newBuilderForField(value).getDefaultInstanceForType()
          : owner;
    }
    return builder.getDefaultInstanceForType();
  }
}
