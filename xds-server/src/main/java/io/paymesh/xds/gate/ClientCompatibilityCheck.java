package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ClientFeature;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a group's client family is known to refuse, crash on or misread, found in its resources
 * before they are pushed: a config a known client rejects is a translator bug, and this is the
 * net under the translators' per-family choices (docs/clients.md). Reported as invariant
 * {@code clients}, with the family and the reason.
 */
final class ClientCompatibilityCheck implements GateCheck {
  static final String INVARIANT = "clients";
  /**
   * The validation context a gRPC client reads SANs from. A processor cluster's sits in a combined
   * context with its CA over SDS, which gRPC clients refuse as a whole (docs/clients.md), so its
   * typed SAN matchers are not a gap that goes unnoticed.
   */
  private static final String PLAIN_VALIDATION_CONTEXT = "validation_context";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    ClientFamily client = group.client();
    resources.listeners().forEach(l -> walk(ResourceNames.listener(l), l, client, out));
    resources.routes().forEach(r -> walk(ResourceNames.routeConfiguration(r), r, client, out));
    resources.clusters().forEach(c -> walk(ResourceNames.cluster(c), c, client, out));
    resources.endpoints().forEach(e -> walk(ResourceNames.loadAssignment(e), e, client, out));
    return out;
  }

  private static void walk(
      String resource, Message message, ClientFamily client, List<GateViolation> out) {
    MessageWalk.walk(message, new MessageWalk.Visitor() {
      @Override
      public boolean visit(FieldPath path, FieldDescriptor field, Message value) {
        problem(field, value, client).ifPresent(reason -> out.add(new GateViolation(resource,
            INVARIANT, (path.toString().isEmpty() ? "" : path + ": ") + client + " " + reason)));
        return true;
      }

      @Override
      public void unknownType(FieldPath path, Any any) {
        // Invariants 8 and 9 report what cannot be read; nothing more to say here.
      }

      @Override
      public void undecodable(FieldPath path, Any any) {}
    });
  }

  /**
   * What {@code client} would do wrong with {@code message}, found in {@code field} of its
   * parent, if anything.
   */
  @SuppressWarnings("deprecation")
  static Optional<String> problem(FieldDescriptor field, Message message, ClientFamily client) {
    boolean grpc = client.form() == ProxyForm.PROXYLESS;
    if (message instanceof Cluster c) {
      if (c.getLbPolicy() == Cluster.LbPolicy.LEAST_REQUEST
          && !client.supports(ClientFeature.LEAST_REQUEST_LB)) {
        return Optional.of("refuses lb_policy LEAST_REQUEST");
      }
      if (c.getLbPolicy() == Cluster.LbPolicy.RING_HASH
          && !client.supports(ClientFeature.RING_HASH_LB)) {
        return Optional.of("crashes on lb_policy RING_HASH");
      }
    } else if (message instanceof HeaderMatcher h) {
      if (h.hasStringMatch() && !client.supports(ClientFeature.HEADER_STRING_MATCH)) {
        return Optional.of("refuses the header matcher string_match (header '" + h.getName()
            + "'); it reads exact_match, prefix_match, ...");
      }
    } else if (message instanceof RouteAction a) {
      if (a.hasMaxStreamDuration() && !client.supports(ClientFeature.MAX_STREAM_DURATION)) {
        return Optional.of("ends calls before max_stream_duration");
      }
    } else if (message instanceof RouteMatch m && grpc) {
      if (m.getQueryParametersCount() > 0) {
        return Optional.of("has no query string to match; grpc-js ignores query_parameters "
            + "and would take the route for every call");
      }
    } else if (message instanceof LocalityLbEndpoints l && client == ClientFamily.GRPC_JS) {
      if (!l.hasLocality()) {
        return Optional.of("refuses an endpoint group without a locality");
      }
    } else if (message instanceof CertificateValidationContext v && grpc && field != null
        && field.getName().equals(PLAIN_VALIDATION_CONTEXT)) {
      if (v.getMatchTypedSubjectAltNamesCount() > 0 && v.getMatchSubjectAltNamesCount() == 0) {
        return Optional.of("ignores match_typed_subject_alt_names: the peer's identity would go "
            + "unchecked; gRPC reads match_subject_alt_names");
      }
    }
    return Optional.empty();
  }
}
