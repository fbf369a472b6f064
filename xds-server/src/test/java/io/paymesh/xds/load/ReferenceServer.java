package io.paymesh.xds.load;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.etcd.jetcd.Client;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.EtcdPolicyWatcher;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.ProxyGroups;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference the load tool compares paymesh with: a bare java-control-plane server (SimpleCache
 * and V3DiscoveryServer, nothing of paymesh's ADS layer) serving the same policy, translated by
 * paymesh's translator for Envoy only. It does the least a server can: no Gate, no content
 * hashing (a counter is the version), no debounce, and on a change it rebuilds only the groups of
 * the services that changed or that depend on a changed RouteTable's host. What paymesh adds on
 * top of this is what its figures pay for.
 *
 * <pre>ReferenceServer ETCD_ENDPOINT PREFIX PORT</pre>
 */
public final class ReferenceServer {
  private final GroupTranslator translator = new GroupTranslator();
  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
  private final AtomicLong versions = new AtomicLong();
  private PolicySnapshot previous;

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ReferenceServer ETCD_ENDPOINT PREFIX PORT");
      System.exit(64);
    }
    ReferenceServer reference = new ReferenceServer();
    Client etcd = Client.builder().endpoints(args[0]).build();
    Server server = NettyServerBuilder
        .forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2])))
        .addService(new V3DiscoveryServer(reference.cache).getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    EtcdPolicyWatcher watcher = new EtcdPolicyWatcher(etcd, args[1], new PolicyCodec(),
        Duration.ZERO, reference::onPolicy);
    watcher.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      watcher.close();
      server.shutdownNow();
      etcd.close();
      stopped.countDown();
    }));
    stopped.await();
  }

  private void onPolicy(PolicySnapshot policy) {
    boolean first = previous == null;
    Set<String> services = changedServices(previous, policy);
    for (String service : services) {
      ProxyGroup group = new ProxyGroup(service, ClientFamily.ENVOY);
      translator.translate(policy, group).ifPresent(resources -> publish(group, resources));
    }
    previous = policy;
    if (first) {
      // Into reference.log: whether its first builds were done before the streams came or ran
      // alongside them (the load tool prints when they opened).
      System.err.printf(Locale.ROOT, "built the snapshots of %d groups by %s%n",
          services.size(), Instant.now());
    }
  }

  private void publish(ProxyGroup group, GroupResources r) {
    String version = Long.toString(versions.incrementAndGet());
    cache.setSnapshot(group, Snapshot.create(r.clusters(), version, r.endpoints(), version,
        r.listeners(), version, r.routes(), version, r.secrets(), version));
  }

  /** Every service at first; then those that changed or depend on a changed RouteTable host. */
  private static Set<String> changedServices(PolicySnapshot before, PolicySnapshot after) {
    Set<String> changed = new TreeSet<>();
    if (before == null) {
      changed.addAll(after.services().keySet());
      return changed;
    }
    Set<String> hosts = new TreeSet<>();
    for (Map.Entry<String, ?> table : after.routeTables().entrySet()) {
      if (!Objects.equals(before.routeTables().get(table.getKey()), table.getValue())) {
        hosts.add(after.routeTables().get(table.getKey()).spec().host());
      }
    }
    for (Service service : after.services().values()) {
      if (!service.equals(before.services().get(service.name()))
          || service.spec().dependencies().stream().anyMatch(hosts::contains)
          || !after.endpoints().equals(before.endpoints())) {
        changed.add(service.name());
      }
    }
    return changed;
  }
}
