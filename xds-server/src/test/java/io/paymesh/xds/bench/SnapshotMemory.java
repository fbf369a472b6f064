package io.paymesh.xds.bench;

import io.paymesh.xds.metrics.XdsMetrics;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.ProxyGroups;
import io.paymesh.xds.ads.Publishers;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Retained heap of a whole snapshot set: used heap after a full GC, before and after publishing
 * every group of an N-service policy into a fresh cache (the policy itself is built first and
 * excluded). Median of several runs; run by scripts/bench with a fixed heap and the serial
 * collector so that a full GC leaves only live objects. Usage: SnapshotMemory [runs] N...
 */
public final class SnapshotMemory {
  private static final int GC_ROUNDS = 5;
  private static final double MIB = 1024.0 * 1024.0;

  private SnapshotMemory() {}

  public static void main(String[] args) {
    int runs = Integer.parseInt(args[0]);
    System.out.println("| services | groups | resources | serialized (MiB) | retained heap "
        + "(MiB, median of " + runs + ") | min..max (MiB) | per group (KiB) |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    for (int i = 1; i < args.length; i++) {
      measure(Integer.parseInt(args[i]), runs);
    }
  }

  private static void measure(int services, int runs) {
    PolicySnapshot policy = SyntheticPolicy.generate(services).snapshot(1);
    // One discarded publish first: class loading and lazily built statics (protobuf descriptors,
    // default instances) would otherwise be counted in the first run.
    newPublisher(new SimpleCache<>(new ProxyGroups()), policy).publish(policy);
    List<Long> retained = new ArrayList<>();
    long resources = 0;
    long serialized = 0;
    for (int run = 0; run < runs; run++) {
      long before = usedAfterGc();
      SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
      SnapshotPublisher publisher = newPublisher(cache, policy);
      publisher.publish(policy);
      long after = usedAfterGc();
      retained.add(after - before);
      if (run == 0) {
        for (ProxyGroup group : groups(policy)) {
          Snapshot snapshot = cache.getSnapshot(group);
          for (Collection<? extends Message> typed : List.of(
              snapshot.listeners().resources().values(), snapshot.routes().resources().values(),
              snapshot.clusters().resources().values(),
              snapshot.endpoints().resources().values())) {
            for (Message m : typed) {
              resources++;
              serialized += m.getSerializedSize();
            }
          }
        }
      }
      // Keeps the snapshot set alive until after the second measurement.
      Reference.reachabilityFence(publisher);
      Reference.reachabilityFence(cache);
    }
    Collections.sort(retained);
    long median = retained.get(retained.size() / 2);
    int groups = services * ClientFamily.values().length;
    System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %.1f | %.1f..%.1f | %.1f |%n",
        services, groups, resources, serialized / MIB, median / MIB,
        retained.get(0) / MIB, retained.get(retained.size() - 1) / MIB,
        median / 1024.0 / groups);
  }

  /** A publisher that builds every group, as if each had a proxy connected. */
  private static SnapshotPublisher newPublisher(
      SimpleCache<ProxyGroup> cache, PolicySnapshot policy) {
    return Publishers.demandEveryGroup(
        new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone()),
        policy);
  }

  private static List<ProxyGroup> groups(PolicySnapshot policy) {
    List<ProxyGroup> groups = new ArrayList<>();
    for (String service : policy.services().keySet()) {
      for (ClientFamily client : ClientFamily.values()) {
        groups.add(new ProxyGroup(service, client));
      }
    }
    return groups;
  }

  private static long usedAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < GC_ROUNDS; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
