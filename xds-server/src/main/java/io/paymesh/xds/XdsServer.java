package io.paymesh.xds;

import com.codahale.metrics.MetricRegistry;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.EtcdPolicyWatcher;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.AdsServer;
import io.paymesh.xds.ads.AdsStreamInterceptor;
import io.paymesh.xds.ads.NackAwareConfigWatcher;
import io.paymesh.xds.ads.ProxyGroups;
import io.paymesh.xds.ads.ProxyStatusRegistry;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.status.EtcdProxyStatusPublisher;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * One xds-server replica, wired end to end: etcd watcher -> snapshot publisher (translate, gate,
 * version) -> snapshot cache -> ADS server, and back: ACK/NACK -> proxy status in etcd. Replicas
 * share nothing but etcd, and since versions are content hashes they all serve the same versions
 * for the same policy.
 */
public final class XdsServer implements AutoCloseable {
  /** How long a crashed replica's proxies stay listed in etcd before its lease expires. */
  static final Duration STATUS_TTL = Duration.ofSeconds(10);

  private final MetricRegistry metrics = new MetricRegistry();
  private final ProxyStatusRegistry proxies = new ProxyStatusRegistry(Clock.systemUTC());
  private final SnapshotPublisher publisher;
  private final EtcdPolicyWatcher watcher;
  private final AdsServer ads;
  private final EtcdProxyStatusPublisher status;
  private boolean closed;

  private XdsServer(
      Client etcd, String prefix, Duration coalesceWindow, InetSocketAddress address,
      String replicaId) {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    this.publisher = new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, metrics);
    this.ads =
        new AdsServer(
            address,
            new V3DiscoveryServer(new NackAwareConfigWatcher(cache)),
            new AdsStreamInterceptor(proxies, metrics));
    this.watcher =
        new EtcdPolicyWatcher(etcd, prefix, new PolicyCodec(), coalesceWindow, this::onPolicy);
    this.status = new EtcdProxyStatusPublisher(etcd, prefix, replicaId, proxies, STATUS_TTL);
  }

  /**
   * Like {@link #start(Client, String, Duration, InetSocketAddress, String)}, with the default
   * replica id {@link XdsServerConfig#defaultReplicaId()}.
   */
  public static XdsServer start(
      Client etcd, String prefix, Duration coalesceWindow, InetSocketAddress address)
      throws IOException {
    return start(etcd, prefix, coalesceWindow, address, XdsServerConfig.defaultReplicaId());
  }

  /**
   * Starts serving ADS on {@code address} (port 0 picks a free one), watching the policy under
   * {@code prefix} and publishing the status of connected proxies under {@code prefix} as replica
   * {@code replicaId}. Proxies that connect before the first policy is read wait for it.
   */
  public static XdsServer start(
      Client etcd, String prefix, Duration coalesceWindow, InetSocketAddress address,
      String replicaId) throws IOException {
    XdsServer server = new XdsServer(etcd, prefix, coalesceWindow, address, replicaId);
    server.status.start();
    server.ads.start();
    server.watcher.start();
    return server;
  }

  private void onPolicy(PolicySnapshot policy) {
    publisher.publish(policy);
    ads.markServing();
  }

  public int adsPort() {
    return ads.port();
  }

  public ProxyStatusRegistry proxies() {
    return proxies;
  }

  public MetricRegistry metrics() {
    return metrics;
  }

  public SnapshotPublisher publisher() {
    return publisher;
  }

  public String replicaId() {
    return status.replicaId();
  }

  /**
   * Stops the replica. Status goes first: revoking its lease removes this replica's proxies from
   * etcd at once, rather than one delete per stream as ADS shuts down. Closing twice is harmless.
   */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    status.close();
    watcher.close();
    ads.close();
  }
}
