package io.paymesh.xds;

import com.codahale.metrics.MetricRegistry;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.EtcdPolicyWatcher;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.AdsServer;
import io.paymesh.xds.ads.AdsStreamInterceptor;
import io.paymesh.xds.ads.AdsSnapshotCache;
import io.paymesh.xds.ads.HeldVersionsConfigWatcher;
import io.paymesh.xds.ads.StreamAuthenticator;
import io.paymesh.xds.ads.NackAwareConfigWatcher;
import io.paymesh.xds.ads.OnDemandConfigWatcher;
import io.paymesh.xds.ads.ProxyStatusRegistry;
import io.paymesh.xds.ads.RemovalAnsweringConfigWatcher;
import io.paymesh.xds.ads.ResourceEncoding;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.status.EtcdProxyStatusPublisher;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.xds.ads.AdsServerCredentials;
import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.IdentityService;
import io.paymesh.xds.identity.PeerIdentity;
import io.paymesh.xds.metrics.PrometheusEndpoint;
import io.paymesh.xds.metrics.XdsMetrics;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One xds-server replica, wired end to end: etcd watcher -> snapshot publisher (translate, gate,
 * version) -> snapshot cache -> ADS server(s), and back: ACK/NACK -> proxy status in etcd.
 * Replicas share nothing but etcd, and since versions are content hashes they all serve the same
 * versions for the same policy. ADS is served on an mTLS port that binds each stream to the
 * workload identity of its client certificate, and on a plaintext port only when asked for.
 */
public final class XdsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);
  /** How long a crashed replica's proxies stay listed in etcd before its lease expires. */
  static final Duration STATUS_TTL = Duration.ofSeconds(10);
  /**
   * Threads for first builds. When many proxies connect together (a replica restarts, or takes
   * over another's proxies) their groups' first builds are what they wait for; the builds are
   * independent, so they get every core. (On the 2-core machine of docs/performance.md the
   * connect is bound by the machine, not by this number.)
   */
  private static final int FIRST_BUILD_THREADS = Runtime.getRuntime().availableProcessors();

  private final XdsMetrics metrics;
  private final ProxyStatusRegistry proxies = new ProxyStatusRegistry(Clock.systemUTC());
  private final CurrentPolicy currentPolicy;
  private final DamagedDocumentReport damagedDocuments;
  private final AdsServerCredentials secureCredentials;
  private final SnapshotPublisher publisher;
  /** The publisher's first builds of groups proxies ask for (see SnapshotPublisher#demand). */
  private final ExecutorService firstBuilds = Executors.newFixedThreadPool(FIRST_BUILD_THREADS,
      new ThreadFactoryBuilder().setNameFormat("paymesh-first-builds-%d").setDaemon(true).build());
  private final EtcdPolicyWatcher watcher;
  private final AdsServer secureAds;
  private final AdsServer plaintextAds;
  private final EtcdProxyStatusPublisher status;
  /** Serves {@link #metrics} over HTTP; null unless asked for. */
  private final PrometheusEndpoint metricsEndpoint;
  private final boolean buildSidecarsAhead;
  /** Whether the sidecar groups have been built ahead; read and set by onPolicy only. */
  private boolean builtAhead;
  private boolean closed;

  private XdsServer(Builder b, AdsServerCredentials secureCredentials,
      List<ServerServiceDefinition> secureServices, PrometheusEndpoint metricsEndpoint) {
    this.metrics = b.metrics;
    this.metricsEndpoint = metricsEndpoint;
    this.buildSidecarsAhead = b.buildSidecarsAhead;
    this.currentPolicy = b.currentPolicy;
    this.damagedDocuments = new DamagedDocumentReport(metrics);
    metrics.countConnectedProxies(() -> proxies.connected().stream().collect(
        Collectors.groupingBy(ProxyStatusRegistry.ProxyStatus::group, Collectors.counting())));
    this.secureCredentials = secureCredentials;
    SimpleCache<ProxyGroup> cache = new AdsSnapshotCache();
    this.publisher =
        new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, metrics, firstBuilds);
    V3DiscoveryServer discovery = new V3DiscoveryServer(
        List.of(),
        new OnDemandConfigWatcher(
            new HeldVersionsConfigWatcher(
                new NackAwareConfigWatcher(new RemovalAnsweringConfigWatcher(cache))),
            publisher::demand),
        new DefaultExecutorGroup(),
        ResourceEncoding.SERIALIZER);
    AtomicLong streamIds = new AtomicLong();
    this.secureAds =
        secureCredentials == null
            ? null
            : new AdsServer(
                b.secureAddress,
                secureCredentials.credentials(),
                discovery,
                new AdsStreamInterceptor(
                    proxies, metrics,
                    StreamAuthenticator.requireWorkloadCertificate(currentPolicy), streamIds),
                secureServices);
    this.plaintextAds =
        b.plaintextAddress == null
            ? null
            : new AdsServer(
                b.plaintextAddress,
                InsecureServerCredentials.create(),
                discovery,
                new AdsStreamInterceptor(
                    proxies, metrics, StreamAuthenticator.trustNodeClaims(), streamIds),
                List.of());
    this.watcher = b.watcher;
    this.status = new EtcdProxyStatusPublisher(b.etcd, b.prefix, b.replicaId, proxies, STATUS_TTL);
  }

  public static Builder builder(Client etcd) {
    return new Builder(etcd);
  }

  /** Options of a replica; at least one ADS port is required. */
  public static final class Builder {
    private final Client etcd;
    private final CurrentPolicy currentPolicy = new CurrentPolicy();
    private final XdsMetrics metrics = new XdsMetrics(new MetricRegistry());
    private String prefix = "/paymesh/";
    private Duration coalesceWindow = Duration.ofMillis(100);
    private String replicaId = XdsServerConfig.defaultReplicaId();
    private InetSocketAddress secureAddress;
    private CertificateAuthority ca;
    private IdentitySettings identity;
    private InetSocketAddress plaintextAddress;
    private InetSocketAddress metricsAddress;
    private boolean buildSidecarsAhead = true;
    /** Set once the policy is being read (see {@link #startReadingPolicy}). */
    private EtcdPolicyWatcher watcher;
    /** The replica the watcher's snapshots go to, once {@link #start} has built it. */
    private final CompletableFuture<XdsServer> replica = new CompletableFuture<>();

    private Builder(Client etcd) {
      this.etcd = Objects.requireNonNull(etcd, "etcd");
    }

    public Builder prefix(String prefix) {
      requireNotReading("prefix");
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    public Builder coalesceWindow(Duration coalesceWindow) {
      requireNotReading("coalesceWindow");
      this.coalesceWindow = Objects.requireNonNull(coalesceWindow, "coalesceWindow");
      return this;
    }

    /**
     * Starts listing and validating the policy under the prefix now, ahead of {@link #start}:
     * at 1,000 services that takes seconds, which loading the CA, setting up TLS and starting
     * the ports then overlap (the replica's main calls it before loading its CA). The first
     * snapshot is published once {@link #start} has built the replica. Optional: {@link #start}
     * does it if it has not been done; the prefix and coalescing window are fixed from here.
     */
    public Builder startReadingPolicy() {
      if (watcher == null) {
        watcher = new EtcdPolicyWatcher(
            etcd, prefix, new PolicyCodec(), coalesceWindow, this::handOver);
        watcher.start();
      }
      return this;
    }

    /** On the watcher's thread: waits for the replica, then publishes the snapshot. */
    private void handOver(PolicySnapshot policy) {
      XdsServer server;
      try {
        server = replica.join();
      } catch (CompletionException startFailed) {
        return; // The replica never started; start() closes this watcher and reports why.
      }
      server.onPolicy(policy);
    }

    private void requireNotReading(String option) {
      if (watcher != null) {
        throw new IllegalStateException(option + " cannot change once the policy is being read");
      }
    }

    public Builder replicaId(String replicaId) {
      this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
      return this;
    }

    /**
     * The mTLS port (port 0 picks a free one): ADS, bound to the workload identity of each
     * client certificate, and the workload identity API signing with {@code ca}.
     */
    public Builder secureAds(
        InetSocketAddress address, CertificateAuthority ca, IdentitySettings identity) {
      this.secureAddress = Objects.requireNonNull(address, "address");
      this.ca = Objects.requireNonNull(ca, "ca");
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * A plaintext ADS port: INSECURE, any client may claim any service and receive its
     * configuration. For development and tests only; logged as a warning at start.
     */
    public Builder plaintextAds(InetSocketAddress address) {
      this.plaintextAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Whether the replica builds the Envoy sidecar group of every service in the policy it starts
     * with before their proxies ask (on by default; see {@link SnapshotPublisher#buildAhead}).
     * Off, every group is built when its first proxy asks for it: for a mesh whose services are
     * mostly proxyless gRPC apps, which would not use those groups.
     */
    public Builder buildSidecarsAhead(boolean buildSidecarsAhead) {
      this.buildSidecarsAhead = buildSidecarsAhead;
      return this;
    }

    /**
     * Serves the replica's Prometheus metrics on {@code GET /metrics} at this address (port 0
     * picks a free one), over plain HTTP. Without it, metrics are exported over JMX only.
     */
    public Builder metrics(InetSocketAddress address) {
      this.metricsAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Starts serving ADS, watching the policy under the prefix and publishing the status of
     * connected proxies as this replica. Proxies that connect before the first policy is read
     * wait for it.
     */
    public XdsServer start() throws IOException {
      if (secureAddress == null && plaintextAddress == null) {
        throw new IllegalStateException("no ADS port: configure secureAds and/or plaintextAds");
      }
      if (replica.isDone()) {
        throw new IllegalStateException("this builder has already started a replica");
      }
      // Reading a large policy is the longest part of a cold start: it runs on the watcher's
      // thread while the rest starts. The health service says SERVING once the first snapshot
      // is published.
      startReadingPolicy();
      PrometheusEndpoint endpoint = null;
      XdsServer server;
      try {
        // Before the ports, so that a metrics port already taken fails the start early.
        endpoint = metricsAddress == null ? null : PrometheusEndpoint.start(metricsAddress, metrics);
        server = create(endpoint);
      } catch (IOException | RuntimeException e) {
        if (endpoint != null) {
          endpoint.close();
        }
        watcher.close();
        replica.completeExceptionally(e);
        throw e;
      }
      // From here the server owns the watcher and the endpoint: closing it closes everything.
      replica.complete(server);
      try {
        server.status.start();
        if (server.secureAds != null) {
          server.secureAds.start();
        }
        if (server.plaintextAds != null) {
          server.plaintextAds.start();
          LOG.warn("INSECURE: plaintext ADS on port {} serves any service's configuration to "
              + "any client that claims it; use it for development and tests only",
              server.plaintextAds.port());
        }
      } catch (IOException | RuntimeException e) {
        closeAfterFailedStart(server, e);
        throw e;
      }
      return server;
    }

    private XdsServer create(PrometheusEndpoint endpoint) throws IOException {
      AdsServerCredentials credentials = null;
      List<ServerServiceDefinition> services = List.of();
      if (secureAddress != null) {
        try {
          credentials = AdsServerCredentials.start(
              ca, identity.serverSpiffeId(), identity.serverNames());
        } catch (GeneralSecurityException e) {
          throw new IOException("cannot set up TLS for the ADS port", e);
        }
        IdentityService signer = new IdentityService(ca, new JoinTokens(etcd, prefix),
            new IdentityRevocations(etcd, prefix), currentPolicy, identity.trustDomain(),
            identity.workloadCertificateLifetime(), metrics.dropwizard());
        services = List.of(
            ServerInterceptors.intercept(signer.bindService(), PeerIdentity.interceptor()));
      }
      return new XdsServer(this, credentials, services, endpoint);
    }

    private static void closeAfterFailedStart(XdsServer server, Exception cause) {
      try {
        server.close();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        cause.addSuppressed(interrupted);
      }
    }
  }

  /** On the watcher's thread, one policy at a time. */
  private void onPolicy(PolicySnapshot policy) {
    damagedDocuments.update(policy);
    currentPolicy.set(policy);
    publisher.publish(policy);
    if (buildSidecarsAhead && !builtAhead) {
      builtAhead = true;
      // The sidecars of a mesh reconnect together when a replica starts; their groups, built
      // now on the first-build threads (behind any group a proxy asks for), are ready for them
      // instead of being built while all of them connect (docs/performance.md). Queued before
      // the replica says SERVING, so that they are ahead of every proxy sent to it.
      publisher.buildAhead(
          policy.services().keySet().stream().map(ProxyGroup::sidecar).toList(),
          FIRST_BUILD_THREADS);
    }
    if (secureAds != null) {
      secureAds.markServing();
    }
    if (plaintextAds != null) {
      plaintextAds.markServing();
    }
  }

  /** The mTLS ADS port. */
  public int adsPort() {
    if (secureAds == null) {
      throw new IllegalStateException("this replica has no mTLS ADS port");
    }
    return secureAds.port();
  }

  /** The plaintext ADS port. */
  public int plaintextAdsPort() {
    if (plaintextAds == null) {
      throw new IllegalStateException("this replica has no plaintext ADS port");
    }
    return plaintextAds.port();
  }

  /** The etcd revision of the policy this replica serves now; 0 before the first one is read. */
  public long policyRevision() {
    PolicySnapshot policy = currentPolicy.get();
    return policy == null ? 0 : policy.revision();
  }

  public ProxyStatusRegistry proxies() {
    return proxies;
  }

  /** The Dropwizard metrics JMX exports (names as before Prometheus; see {@link XdsMetrics}). */
  public MetricRegistry metrics() {
    return metrics.dropwizard();
  }

  /** Every metric of this replica, Prometheus and Dropwizard. */
  public XdsMetrics xdsMetrics() {
    return metrics;
  }

  /** The port of the Prometheus {@code /metrics} endpoint. */
  public int metricsPort() {
    if (metricsEndpoint == null) {
      throw new IllegalStateException("this replica serves no metrics endpoint");
    }
    return metricsEndpoint.port();
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
    if (secureAds != null) {
      secureAds.close();
    }
    if (plaintextAds != null) {
      plaintextAds.close();
    }
    if (secureCredentials != null) {
      secureCredentials.close();
    }
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    firstBuilds.shutdownNow();
  }
}
