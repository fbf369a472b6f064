package io.paymesh.xds.gate;

import com.google.common.collect.MapMaker;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A check whose verdict on a resource depends on that resource alone (and, for some, on the
 * group's client family): never on the group's other resources or on the policy. Such a check
 * walks the messages of a resource, which makes it the most expensive kind, and the same resource
 * instance reaches the Gate again and again: the publisher hands the Gate resources already
 * shared across groups (one instance for equal resources), and an unchanged resource is the same
 * instance in the next build of the group.
 *
 * <p>So it remembers the instances it passed and does not walk them again. A protobuf message is
 * immutable, so an instance it passed would pass again; the memory is by identity and weak (a
 * resource no snapshot holds any more is forgotten with it), and a resource it refused is judged
 * again each time, so every violation is reported as before. Every resource the Gate passes has
 * been judged by every check, once.
 *
 * <p>The same goes one level down for route configurations. A sidecar's {@code outbound}
 * configuration is its own, but its virtual hosts are the same instances in every caller's (the
 * publisher shares them too): a configuration whose virtual hosts all passed before, in other
 * configurations, passes if what is around them does, which is judged on a copy without them.
 * That holds because no check's verdict on anything inside a virtual host depends on what lies
 * outside it (its place in the list, its siblings, the configuration around it): a subclass must
 * keep it so. A configuration that fails that way is judged again whole, so what it reports does
 * not depend on what was remembered.
 */
abstract class ResourceCheck implements GateCheck {
  /** Instances that passed, for a check whose verdict does not depend on the client family. */
  private final Set<Message> passed = weakIdentitySet();
  /** Instances that passed, per client family, for a check whose verdict does. */
  private final Map<ClientFamily, Set<Message>> passedByFamily = new EnumMap<>(ClientFamily.class);

  ResourceCheck() {
    for (ClientFamily family : ClientFamily.values()) {
      passedByFamily.put(family, weakIdentitySet());
    }
  }

  /**
   * Adds the violations of one resource to {@code out}.
   *
   * @param resource how violations name the resource ({@link ResourceNames})
   */
  abstract void judge(
      String resource, Message message, ClientFamily client, List<GateViolation> out);

  /** Whether the verdict depends on the group's client family (by default it does not). */
  boolean dependsOnClient() {
    return false;
  }

  /** Whether SDS secrets are among the resources judged (by default they are). */
  boolean judgesSecrets() {
    return true;
  }

  @Override
  public final List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    ClientFamily client = group.client();
    resources.listeners().forEach(l -> judgeOnce(ResourceNames.listener(l), l, client, out));
    resources.routes().forEach(
        r -> judgeOnce(ResourceNames.routeConfiguration(r), r, client, out));
    resources.clusters().forEach(c -> judgeOnce(ResourceNames.cluster(c), c, client, out));
    // Load assignments are judged whole in checkLoadAssignments; here they hold only names.
    if (judgesSecrets()) {
      resources.secrets().forEach(s -> judgeOnce(ResourceNames.secret(s), s, client, out));
    }
    return out;
  }

  @Override
  public final List<GateViolation> checkLoadAssignments(
      PolicySnapshot snapshot, ProxyGroup group, List<ClusterLoadAssignment> assignments) {
    List<GateViolation> out = new ArrayList<>();
    assignments.forEach(
        e -> judgeOnce(ResourceNames.loadAssignment(e), e, group.client(), out));
    return out;
  }

  private void judgeOnce(
      String resource, Message message, ClientFamily client, List<GateViolation> out) {
    Set<Message> known = dependsOnClient() ? passedByFamily.get(client) : passed;
    if (known.contains(message)) {
      return;
    }
    if (message instanceof RouteConfiguration config
        && passesAroundKnownVirtualHosts(resource, config, client, known)) {
      known.add(config);
      return;
    }
    int before = out.size();
    judge(resource, message, client, out);
    if (out.size() == before) {
      known.add(message);
      if (message instanceof RouteConfiguration config) {
        known.addAll(config.getVirtualHostsList());
      }
    }
  }

  private boolean passesAroundKnownVirtualHosts(
      String resource, RouteConfiguration config, ClientFamily client, Set<Message> known) {
    if (config.getVirtualHostsCount() == 0
        || !config.getVirtualHostsList().stream().allMatch(known::contains)) {
      return false;
    }
    List<GateViolation> around = new ArrayList<>();
    judge(resource, config.toBuilder().clearVirtualHosts().build(), client, around);
    return around.isEmpty();
  }

  /** A thread-safe set that compares by identity and does not keep its members alive. */
  private static Set<Message> weakIdentitySet() {
    return Collections.newSetFromMap(new MapMaker().weakKeys().makeMap());
  }
}
