package io.paymesh.xds.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.EndpointRegistry;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.XdsServer;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.xds.ads.ProxyStatusRegistry;
import io.paymesh.xds.inspect.ConfigDumper;
import io.paymesh.xds.translate.ProxyGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small payment mesh for one test: an xds-server replica on loopback reading its own etcd
 * prefix, real gRPC backends registered as leased endpoints, and real grpc-java xDS clients.
 * Everything it starts is closed, newest first, by {@link #close()}.
 */
public final class Mesh implements AutoCloseable {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final Duration COALESCE_WINDOW = Duration.ofMillis(50);
  private static final Duration ENDPOINT_TTL = Duration.ofSeconds(10);

  private final Client etcd;
  private final String prefix;
  private final PolicyCodec codec = new PolicyCodec();
  private final PolicyRepository repository;
  private final EndpointRegistry endpoints;
  private final Started started = new Started();
  private XdsServer server;
  private int adsPort;

  private Mesh(Client etcd, String prefix) {
    this.etcd = etcd;
    this.prefix = prefix;
    this.repository = new PolicyRepository(etcd, prefix, codec);
    this.endpoints = new EndpointRegistry(etcd, prefix);
  }

  /** A mesh on a fresh prefix of its own. */
  public static Mesh start(EtcdExtension etcdProcess) throws Exception {
    return start(etcdProcess, "/paymesh-test-" + PREFIXES.incrementAndGet() + "/");
  }

  /** A mesh on the given prefix, e.g. the one an admin-api under test writes to. */
  public static Mesh start(EtcdExtension etcdProcess, String prefix) throws Exception {
    Mesh mesh = new Mesh(etcdProcess.client(), prefix);
    mesh.server = mesh.startServer(0);
    mesh.adsPort = mesh.server.plaintextAdsPort();
    return mesh;
  }

  /** Validates and writes a YAML policy (one or more documents) in one transaction. */
  public void apply(String yaml) throws Exception {
    repository.putAll(codec.decodeAll(yaml));
  }

  public PolicyRepository repository() {
    return repository;
  }

  public EndpointRegistry endpoints() {
    return endpoints;
  }

  /** The etcd key prefix of this mesh, e.g. {@code /paymesh-test-3/}. */
  public String prefix() {
    return prefix;
  }

  /** Starts a backend and registers it as an instance of {@code service}, kept alive. */
  public TestBackend backend(String service, String name) throws Exception {
    return backend(service, name, 0);
  }

  /**
   * Starts a backend and registers it as an instance of {@code service} at {@code priority}, kept
   * alive. Closing the backend leaves the registration: callers see an instance that stopped
   * answering, as when a process dies before its lease runs out.
   */
  public TestBackend backend(String service, String name, int priority) throws Exception {
    TestBackend backend = TestBackend.start(name);
    started.push(backend);
    started.push(endpoints.register(endpointOf(service, backend, priority), ENDPOINT_TTL));
    return backend;
  }

  public static Endpoint endpointOf(String service, TestBackend backend) {
    return endpointOf(service, backend, 0);
  }

  public static Endpoint endpointOf(String service, TestBackend backend, int priority) {
    return new Endpoint(service, backend.name(), "127.0.0.1", backend.port(), "local", 1,
        priority);
  }

  /** Starts a backend without registering it. */
  public TestBackend unregisteredBackend(String name) throws Exception {
    TestBackend backend = TestBackend.start(name);
    started.push(backend);
    return backend;
  }

  /** A proxyless client of service {@code service} calling {@code xds:///host}. */
  public XdsTestClient client(String service, String host) {
    XdsTestClient client = XdsTestClient.connect(adsPort, service, host);
    started.push(client);
    return client;
  }

  /**
   * A proxyless client of another gRPC implementation ({@link ExternalXdsClient}) of service
   * {@code service}, on this mesh's plaintext ADS port. Its calls are plaintext, like those of
   * {@link #client}, since the backends here are plain gRPC servers.
   */
  public ExternalXdsClient externalClient(ExternalXdsClient.Family family, String service)
      throws Exception {
    ExternalXdsClient client = ExternalXdsClient.of(family, adsPort, service)
        .credentials(ExternalXdsClient.Credentials.INSECURE)
        .start();
    started.push(client);
    return client;
  }

  /**
   * A caller of {@code xds:///host} as service {@code service} through {@code implementation}:
   * a grpc-java client here, or a C-core or grpc-js process (plaintext, as {@link #client}).
   */
  public MeshCaller caller(MeshCaller.Implementation implementation, String service, String host)
      throws Exception {
    return switch (implementation) {
      case GRPC_JAVA -> MeshCaller.of(client(service, host));
      case C_CORE -> MeshCaller.of(externalClient(ExternalXdsClient.Family.C_CORE, service), host);
      case GRPC_JS ->
          MeshCaller.of(externalClient(ExternalXdsClient.Family.GRPC_JS, service), host);
    };
  }

  public XdsServer server() {
    return server;
  }

  /**
   * Waits until every connected proxy of {@code group} has ACKed the route, cluster and endpoint
   * versions its group has for the policy now in etcd: a client's config has caught up.
   */
  public void awaitInSync(ProxyGroup group, Duration atMost) {
    await().atMost(atMost).untilAsserted(() -> {
      Map<String, String> expected =
          new ConfigDumper().dump(repository.loadSnapshot(), group).versions();
      List<ProxyStatusRegistry.ProxyStatus> proxies = server.proxies().connected().stream()
          .filter(p -> p.group().equals(group)).toList();
      assertThat(proxies).as("connected proxies of %s", group).isNotEmpty();
      for (ProxyStatusRegistry.ProxyStatus proxy : proxies) {
        for (String type : List.of(Resources.V3.ROUTE_TYPE_URL, Resources.V3.CLUSTER_TYPE_URL,
            Resources.V3.ENDPOINT_TYPE_URL)) {
          assertThat(proxy.ackedVersions().get(type)).as("%s %s", proxy.nodeId(), type)
              .isEqualTo(expected.get(type));
        }
      }
    });
  }

  /**
   * Asserts that no connected proxy of {@code group} refused anything: a config that a client
   * family paymesh knows NACKs is a bug.
   */
  public void assertNoNacks(ProxyGroup group) {
    List<ProxyStatusRegistry.ProxyStatus> proxies = server.proxies().connected().stream()
        .filter(p -> p.group().equals(group)).toList();
    assertThat(proxies).as("connected proxies of %s", group).isNotEmpty();
    for (ProxyStatusRegistry.ProxyStatus proxy : proxies) {
      assertThat(proxy.nackCount()).as("NACKs of %s, the last: %s", proxy.nodeId(),
          proxy.lastNack()).isZero();
    }
  }

  /** Stops the xds-server and starts a new one on the same ADS port, as a redeploy would. */
  public void restartServer() throws Exception {
    server.close();
    server = startServer(adsPort);
  }

  /**
   * A replica with a plaintext ADS port only: the routing tests here are about policy, and their
   * grpc-java clients connect without certificates. mTLS is tested on its own. Its Prometheus
   * endpoint is on a free loopback port ({@link XdsServer#metricsPort()}).
   */
  private XdsServer startServer(int port) throws Exception {
    return XdsServer.builder(etcd)
        .prefix(prefix)
        .coalesceWindow(COALESCE_WINDOW)
        .plaintextAds(new InetSocketAddress("127.0.0.1", port))
        .metrics(new InetSocketAddress("127.0.0.1", 0))
        .start();
  }

  @Override
  public void close() throws Exception {
    try {
      started.close();
    } finally {
      server.close();
    }
  }
}
