package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Payment invariant 8: no key material inline in any resource; certificates come over SDS. Walks
 * every field of every resource, secrets included, unpacking typed_config Anys (filters, listener
 * filters, transport sockets, protocol options). An Any of a type it cannot read fails closed: the
 * Gate cannot prove it holds no key.
 */
final class InlinePrivateKeyCheck implements GateCheck {
  static final String INVARIANT = "8";

  /** DataSource fields that carry secrets (TlsCertificate, TlsSessionTicketKeys, GenericSecret). */
  private static final Set<String> SECRET_FIELDS =
      Set.of("private_key", "pkcs12", "password", "keys", "secret");

  /** The Any payloads paymesh emits; add a type here when a translator starts emitting it. */
  private static final Map<String, Message> READABLE =
      Stream.<Message>of(
              HttpConnectionManager.getDefaultInstance(),
              RBAC.getDefaultInstance(),
              HTTPFault.getDefaultInstance(),
              Router.getDefaultInstance(),
              TlsInspector.getDefaultInstance(),
              UpstreamTlsContext.getDefaultInstance(),
              DownstreamTlsContext.getDefaultInstance(),
              Secret.getDefaultInstance(),
              HttpProtocolOptions.getDefaultInstance())
          .collect(Collectors.toMap(
              m -> "type.googleapis.com/" + m.getDescriptorForType().getFullName(),
              Function.identity()));

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    resources.listeners().forEach(l -> walk(ResourceNames.listener(l), l, "", out));
    resources.routes().forEach(r -> walk(ResourceNames.routeConfiguration(r), r, "", out));
    resources.clusters().forEach(c -> walk(ResourceNames.cluster(c), c, "", out));
    resources.endpoints().forEach(e -> walk(ResourceNames.loadAssignment(e), e, "", out));
    resources.secrets().forEach(s -> walk(ResourceNames.secret(s), s, "", out));
    return out;
  }

  private static void walk(String resource, Message message, String path, List<GateViolation> out) {
    if (message instanceof Any any) {
      walkAny(resource, any, path, out);
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String fieldPath = path.isEmpty() ? descriptor.getName() : path + "." + descriptor.getName();
      if (descriptor.isMapField()) {
        for (Object entry : (List<?>) field.getValue()) {
          Message mapEntry = (Message) entry;
          FieldDescriptor key = mapEntry.getDescriptorForType().findFieldByName("key");
          FieldDescriptor value = mapEntry.getDescriptorForType().findFieldByName("value");
          if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            walkField(resource, descriptor, (Message) mapEntry.getField(value),
                fieldPath + "[" + mapEntry.getField(key) + "]", out);
          }
        }
      } else if (descriptor.isRepeated()) {
        List<?> items = (List<?>) field.getValue();
        for (int i = 0; i < items.size(); i++) {
          walkField(resource, descriptor, (Message) items.get(i), fieldPath + "[" + i + "]", out);
        }
      } else {
        walkField(resource, descriptor, (Message) field.getValue(), fieldPath, out);
      }
    }
  }

  private static void walkField(
      String resource, FieldDescriptor field, Message value, String path,
      List<GateViolation> out) {
    if (value instanceof DataSource source && SECRET_FIELDS.contains(field.getName())) {
      boolean inline = source.getSpecifierCase() == DataSource.SpecifierCase.INLINE_BYTES
          || source.getSpecifierCase() == DataSource.SpecifierCase.INLINE_STRING;
      if (inline) {
        out.add(new GateViolation(resource, INVARIANT,
            "key material given inline at " + path + "; deliver it through SDS"));
      }
      return;
    }
    walk(resource, value, path, out);
  }

  private static void walkAny(String resource, Any any, String path, List<GateViolation> out) {
    Message prototype = READABLE.get(any.getTypeUrl());
    if (prototype == null) {
      out.add(new GateViolation(resource, INVARIANT,
          "cannot inspect " + path + " of type " + any.getTypeUrl()));
      return;
    }
    try {
      walk(resource, prototype.getParserForType().parseFrom(any.getValue()), path, out);
    } catch (InvalidProtocolBufferException e) {
      out.add(new GateViolation(resource, INVARIANT,
          "cannot decode " + path + " as " + any.getTypeUrl()));
    }
  }
}
