package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ClientFeature;
import io.paymesh.xds.translate.ProxyForm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a group's client family is known to refuse, crash on or misread, found in its resources
 * before they are pushed: a config a known client rejects is a translator bug, and this is the
 * net under the translators' per-family choices (docs/clients.md). Reported as invariant
 * {@code clients}, with the family and the reason.
 */
final class ClientCompatibilityCheck extends ResourceCheck {
  static final String INVARIANT = "clients";
  /**
   * The validation context a gRPC client reads SANs from. A processor cluster's sits in a combined
   * context with its CA over SDS, which gRPC clients refuse as a whole (docs/clients.md), so its
   * typed SAN matchers are not a gap that goes unnoticed.
   */
  private static final String PLAIN_VALIDATION_CONTEXT = "validation_context";
  /**
   * The types {@link #problem} looks at: the walk enters only what can hold one of them (or an
   * Any). A type added there must be added here, or the walk may not reach it.
   */
  private static final TypeReach REACH = new TypeReach(Set.of(
      Cluster.getDescriptor(), HeaderMatcher.getDescriptor(), RouteAction.getDescriptor(),
      RouteMatch.getDescriptor(), ClusterLoadAssignment.getDescriptor(),
      OutlierDetection.getDescriptor(), LocalityLbEndpoints.getDescriptor(),
      CertificateValidationContext.getDescriptor()));

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  boolean dependsOnClient() {
    return true;
  }

  /** What the clients misread is in routing, listeners, clusters and endpoints, not secrets. */
  @Override
  boolean judgesSecrets() {
    return false;
  }

  @Override
  void judge(String resource, Message message, ClientFamily client, List<GateViolation> out) {
    walk(resource, message, client, out);
  }

  private static void walk(
      String resource, Message message, ClientFamily client, List<GateViolation> out) {
    MessageWalk.walk(message, REACH, new MessageWalk.Visitor() {
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
      if (c.hasOutlierDetection() && !client.supports(ClientFeature.OUTLIER_DETECTION)) {
        return Optional.of("loses calls picked during a config update when a cluster has"
            + " outlier_detection: they never complete");
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
    } else if (message instanceof ClusterLoadAssignment cla && client == ClientFamily.GRPC_JAVA) {
      return localityAtSeveralPriorities(cla);
    } else if (message instanceof OutlierDetection od && client == ClientFamily.GRPC_JS) {
      return outlierFieldsReadAsUndefined(od);
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

  /**
   * grpc-java (1.85) keys a load assignment's endpoint groups by locality: of one locality listed
   * at several priorities it keeps the last, and the endpoints of the others get no calls (the
   * priority-0 instances of a zone that also has a standby, in PriorityFailoverTest before the
   * translator set standby sub-zones).
   */
  private static Optional<String> localityAtSeveralPriorities(ClusterLoadAssignment cla) {
    Map<Locality, TreeSet<Integer>> priorities = new LinkedHashMap<>();
    for (LocalityLbEndpoints l : cla.getEndpointsList()) {
      priorities.computeIfAbsent(l.getLocality(), k -> new TreeSet<>()).add(l.getPriority());
    }
    return priorities.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .findFirst()
        .map(e -> "keeps only the last endpoint group of a locality listed at priorities "
            + e.getValue() + " (" + describe(e.getKey())
            + "); the others' endpoints would get no calls");
  }

  private static String describe(Locality locality) {
    return "region '" + locality.getRegion() + "', zone '" + locality.getZone()
        + "', sub_zone '" + locality.getSubZone() + "'";
  }

  /**
   * grpc-js-xds (1.14) copies each unset field of an ejection it runs over its default as
   * undefined. Success-rate ejection runs unless enforcing_success_rate is 0; with
   * success_rate_minimum_hosts unset its check throws at the first interval and the process
   * dies, and with the other fields unset the ejection never applies. Failure percentage runs
   * when enforcing_failure_percentage is above 0, and never applies with a field unset.
   */
  private static Optional<String> outlierFieldsReadAsUndefined(OutlierDetection od) {
    List<String> unset = new ArrayList<>();
    if (!od.hasEnforcingSuccessRate() || od.getEnforcingSuccessRate().getValue() > 0) {
      if (!od.hasEnforcingSuccessRate()) {
        unset.add("enforcing_success_rate");
      }
      if (!od.hasSuccessRateMinimumHosts()) {
        unset.add("success_rate_minimum_hosts");
      }
      if (!od.hasSuccessRateRequestVolume()) {
        unset.add("success_rate_request_volume");
      }
      if (!od.hasSuccessRateStdevFactor()) {
        unset.add("success_rate_stdev_factor");
      }
    }
    if (od.hasEnforcingFailurePercentage() && od.getEnforcingFailurePercentage().getValue() > 0) {
      if (!od.hasFailurePercentageThreshold()) {
        unset.add("failure_percentage_threshold");
      }
      if (!od.hasFailurePercentageMinimumHosts()) {
        unset.add("failure_percentage_minimum_hosts");
      }
      if (!od.hasFailurePercentageRequestVolume()) {
        unset.add("failure_percentage_request_volume");
      }
    }
    if (unset.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("reads unset " + String.join(", ", unset) + " as undefined, not the"
        + " default" + (unset.contains("success_rate_minimum_hosts")
            ? ", and dies at the first outlier detection interval" : "")
        + ": set them");
  }
}
