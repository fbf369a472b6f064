package io.paymesh.xds.inspect;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.ReadLog;
import io.paymesh.xds.ads.ContentVersion;
import io.paymesh.xds.ads.SharedResources;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateViolation;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a proxy group is sent for a policy, for people: the same translation, Gate and versions as
 * the snapshot publisher, rendered as JSON. Pure (no I/O, no clock), so the admin API can dump a
 * proxy's config and compute plans without an xds-server.
 */
public final class ConfigDumper {
  private final GroupTranslator translator = new GroupTranslator();
  private final Gate gate = new Gate();
  /**
   * As in the publisher: equal resources of different groups, and of the same group under two
   * policies, become one instance, which the Gate's per-resource checks pass once. A plan builds
   * groups under two policies, and most of their resources are the same under both.
   */
  private final SharedResources shared = new SharedResources();

  /**
   * A group's config for one policy.
   *
   * @param versions per type URL (LDS, RDS, CDS, EDS, and SDS when the group has secrets), equal
   *     to what the xds-server publishes when the Gate passes, so they can be compared with a
   *     proxy's ACKed versions
   * @param resources listeners, routes, clusters, endpoints, secrets in that order, each sorted
   *     by name
   * @param violations the Gate's verdict; when not empty the xds-server does not push this config
   *     and the group keeps its last good one
   */
  public record GroupConfig(
      ProxyGroup group,
      Map<String, String> versions,
      List<ResourceDump> resources,
      List<GateViolation> violations) {
    public GroupConfig {
      Objects.requireNonNull(group, "group");
      versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
      resources = List.copyOf(resources);
      violations = List.copyOf(violations);
    }

    public boolean passesGate() {
      return violations.isEmpty();
    }
  }

  /**
   * A group's translation and the Gate's verdict on it, before anything is rendered: what a plan
   * compares first, so that only the groups that differ are rendered (hashed and printed as JSON).
   */
  public record GroupBuild(ProxyGroup group, GroupResources resources,
      List<GateViolation> violations) {
    public GroupBuild {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(resources, "resources");
      violations = List.copyOf(violations);
    }

    public boolean passesGate() {
      return violations.isEmpty();
    }
  }

  /**
   * The group's config. A group whose service is not in the policy gets no resources at all: that
   * is what the xds-server sends the proxies of a service removed from the policy.
   */
  public GroupConfig dump(PolicySnapshot policy, ProxyGroup group) {
    return render(build(policy, group));
  }

  /** The group's translation and the Gate's verdict, as {@link #dump} renders them. */
  public GroupBuild build(PolicySnapshot policy, ProxyGroup group) {
    return build(policy, group, new ReadLog());
  }

  /**
   * {@link #build}, recording in {@code read} everything the translation and the Gate read of
   * the policy: a later policy whose changes touch none of it builds the group the same.
   */
  public GroupBuild build(PolicySnapshot policy, ProxyGroup group, ReadLog read) {
    PolicySnapshot recorded = policy.recording(read);
    GroupResources resources =
        shared.share(translator.translate(recorded, group).orElse(GroupResources.empty()));
    List<GateViolation> violations = policy.services().containsKey(group.service())
        ? gate.check(recorded, group, resources).violations()
        : List.of();
    return new GroupBuild(group, resources, violations);
  }

  /** Versions and pretty JSON of a build. */
  public GroupConfig render(GroupBuild build) {
    GroupResources resources = build.resources();
    Map<String, String> versions = ContentVersion.ofGroup(resources);
    List<ResourceDump> dumps = new ArrayList<>();
    add(dumps, Resources.V3.LISTENER_TYPE_URL, versions, resources.listeners(),
        Listener::getName);
    add(dumps, Resources.V3.ROUTE_TYPE_URL, versions, resources.routes(),
        RouteConfiguration::getName);
    add(dumps, Resources.V3.CLUSTER_TYPE_URL, versions, resources.clusters(),
        Cluster::getName);
    add(dumps, Resources.V3.ENDPOINT_TYPE_URL, versions, resources.endpoints(),
        ClusterLoadAssignment::getClusterName);
    add(dumps, Resources.V3.SECRET_TYPE_URL, versions, resources.secrets(), Secret::getName);
    return new GroupConfig(build.group(), versions, dumps, build.violations());
  }

  private static <T extends Message> void add(
      List<ResourceDump> out, String typeUrl, Map<String, String> versions, List<T> resources,
      Function<T, String> name) {
    for (T resource : resources) {
      out.add(new ResourceDump(typeUrl, name.apply(resource), versions.get(typeUrl),
          XdsJson.print(resource)));
    }
  }
}
