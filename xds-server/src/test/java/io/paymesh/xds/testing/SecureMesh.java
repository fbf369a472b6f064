package io.paymesh.xds.testing;

import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.EndpointRegistry;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.IdentitySettings;
import io.paymesh.xds.XdsServer;
import io.paymesh.xds.agent.JoinTokenSource;
import io.paymesh.xds.agent.WorkloadAgent;
import io.paymesh.xds.agent.WorkloadAgentOptions;
import io.paymesh.xds.identity.CertificateAuthority;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A payment mesh with identities for one test: a test PKI, an xds-server replica serving ADS and
 * the workload identity API on an mTLS port only, workload agents that enrol with join tokens
 * and keep certificates in their own directories, and real grpc-java xDS clients and servers
 * using those files. Everything it starts is closed, newest first, by {@link #close()}.
 */
public final class SecureMesh implements AutoCloseable {
  public static final String TRUST_DOMAIN = "paymesh.local";
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final Duration COALESCE_WINDOW = Duration.ofMillis(50);
  private static final Duration ENDPOINT_TTL = Duration.ofSeconds(10);

  private final Client etcd;
  private final String prefix;
  private final Path dir;
  private final TestPki pki;
  private final Duration workloadLifetime;
  private final PolicyCodec codec = new PolicyCodec();
  private final PolicyRepository repository;
  private final EndpointRegistry endpoints;
  private final JoinTokens joinTokens;
  private final Started started = new Started();
  private final AtomicInteger workloads = new AtomicInteger();
  private XdsServer server;

  private SecureMesh(Client etcd, Path dir, Duration workloadLifetime) {
    this.etcd = etcd;
    this.prefix = "/paymesh-mtls-" + PREFIXES.incrementAndGet() + "/";
    this.dir = dir;
    this.pki = TestPki.create(dir.resolve("ca"), "mesh", Instant.now());
    this.workloadLifetime = workloadLifetime;
    this.repository = new PolicyRepository(etcd, prefix, codec);
    this.endpoints = new EndpointRegistry(etcd, prefix);
    this.joinTokens = new JoinTokens(etcd, prefix);
  }

  /** A mesh whose workload certificates live {@code workloadLifetime}. */
  public static SecureMesh start(EtcdExtension etcdProcess, Path dir, Duration workloadLifetime)
      throws Exception {
    SecureMesh mesh = new SecureMesh(etcdProcess.client(), dir, workloadLifetime);
    mesh.server = mesh.startReplica(mesh.pki.loadCa(Clock.systemUTC()));
    return mesh;
  }

  private XdsServer startReplica(CertificateAuthority ca) throws Exception {
    return XdsServer.builder(etcd)
        .prefix(prefix)
        .coalesceWindow(COALESCE_WINDOW)
        .secureAds(new InetSocketAddress("127.0.0.1", 0), ca,
            new IdentitySettings(TRUST_DOMAIN, workloadLifetime, List.of("127.0.0.1")))
        .start();
  }

  /**
   * Another replica on the same etcd prefix, signing with {@code ca}: a second xds-server, or
   * one configured for a step of a CA rotation.
   */
  public XdsServer startAnotherReplica(CertificateAuthority ca) throws Exception {
    XdsServer replica = startReplica(ca);
    started.push(replica);
    return replica;
  }

  public static String identityOf(String service) {
    return "spiffe://" + TRUST_DOMAIN + "/ns/payments/sa/" + service;
  }

  /**
   * Validates and writes a YAML policy (one or more documents) in one transaction, and returns
   * once the replica serves it, so the CA knows the new services' identities.
   */
  public void apply(String yaml) throws Exception {
    long revision = repository.putAll(codec.decodeAll(yaml));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> server.policyRevision() >= revision);
  }

  public XdsServer server() {
    return server;
  }

  public int adsPort() {
    return server.adsPort();
  }

  public TestPki pki() {
    return pki;
  }

  public String prefix() {
    return prefix;
  }

  public JoinTokens joinTokens() {
    return joinTokens;
  }

  /** A one-time join token for {@code service}, as a security admin would create it. */
  public String joinToken(String service) throws Exception {
    return joinTokens.create(service, Actor.SYSTEM, Optional.of("test enrolment"))
        .token().reveal();
  }

  /** An enrolled workload: its running agent and the directory the agent keeps its files in. */
  public record Workload(WorkloadAgent agent, Path dir) {}

  /**
   * Enrols a workload of {@code service}: a join token, then a workload agent that writes its
   * certificate into a directory of its own and keeps renewing it.
   */
  public Workload enrol(String service) throws Exception {
    return enrol(service, server, pki.bundleFile());
  }

  /**
   * Enrols a workload of {@code service} with {@code replica}'s CA, trusting
   * {@code trustBundle} for that replica's certificate on the first request.
   */
  public Workload enrol(String service, XdsServer replica, Path trustBundle) throws Exception {
    Path identityDir = dir.resolve("identity-" + service + "-" + workloads.incrementAndGet());
    Files.createDirectories(identityDir);
    WorkloadAgent agent = new WorkloadAgent(WorkloadAgentOptions.builder(service)
        .ca("127.0.0.1:" + replica.adsPort())
        .trustBundle(trustBundle)
        .joinToken(JoinTokenSource.of(joinToken(service)))
        .dir(identityDir)
        .retry(Duration.ofMillis(100), Duration.ofSeconds(1))
        .build());
    started.push(agent);
    agent.start();
    return new Workload(agent, identityDir);
  }

  /** A proxyless client of {@code service} calling {@code xds:///host}, with its own identity. */
  public XdsTestClient client(String service, String host, Path identityDir) {
    return client(service, host, identityDir, server);
  }

  /** Like {@link #client(String, String, Path)}, getting its config from {@code replica}. */
  public XdsTestClient client(String service, String host, Path identityDir, XdsServer replica) {
    XdsTestClient client =
        XdsTestClient.connectMtls(replica.adsPort(), service, host, identityDir);
    started.push(client);
    return client;
  }

  /**
   * A proxyless gRPC server of {@code service} on 127.0.0.1:{@code port} (the Service's port),
   * registered as an endpoint of the service and serving with the identity in
   * {@code identityDir}.
   */
  public XdsTestServer backend(String service, String name, int port, Path identityDir)
      throws Exception {
    return backend(service, port, XdsTestServer.start(name, port, adsPort(), service, identityDir));
  }

  /** Registers a started server as an endpoint of {@code service} and closes it with the mesh. */
  public XdsTestServer backend(String service, int port, XdsTestServer backend) throws Exception {
    started.push(backend);
    started.push(endpoints.register(
        new Endpoint(service, backend.name(), "127.0.0.1", port, "local", 1), ENDPOINT_TTL));
    return backend;
  }

  /** Every key and value in etcd (all prefixes): to scan for what must never be there. */
  public String etcdDump() throws Exception {
    StringBuilder dump = new StringBuilder();
    ByteSequence everything = ByteSequence.from(new byte[] {0});
    etcd.getKVClient()
        .get(everything, GetOption.builder().withRange(everything).build())
        .get(10, TimeUnit.SECONDS)
        .getKvs()
        .forEach(kv -> dump.append(kv.getKey().toString(StandardCharsets.UTF_8)).append('=')
            .append(kv.getValue().toString(StandardCharsets.UTF_8)).append('\n'));
    return dump.toString();
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
