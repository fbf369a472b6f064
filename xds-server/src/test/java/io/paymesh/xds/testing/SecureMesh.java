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
  private final boolean plaintextAds;
  private XdsServer server;

  private SecureMesh(Client etcd, Path dir, Duration workloadLifetime, boolean plaintextAds) {
    this.etcd = etcd;
    this.prefix = "/paymesh-mtls-" + PREFIXES.incrementAndGet() + "/";
    this.dir = dir;
    this.pki = TestPki.create(dir.resolve("ca"), "mesh", Instant.now());
    this.workloadLifetime = workloadLifetime;
    this.plaintextAds = plaintextAds;
    this.repository = new PolicyRepository(etcd, prefix, codec);
    this.endpoints = new EndpointRegistry(etcd, prefix);
    this.joinTokens = new JoinTokens(etcd, prefix);
  }

  /** A mesh whose workload certificates live {@code workloadLifetime}. */
  public static SecureMesh start(EtcdExtension etcdProcess, Path dir, Duration workloadLifetime)
      throws Exception {
    SecureMesh mesh = new SecureMesh(etcdProcess.client(), dir, workloadLifetime, false);
    mesh.server = mesh.startReplica(mesh.pki.loadCa(Clock.systemUTC()));
    return mesh;
  }

  /**
   * Like {@link #start}, with a plaintext ADS port on the replica as well, for xDS clients that
   * cannot present a certificate to ADS ({@link ExternalXdsClient}): they get their config there
   * and still call each other over mTLS with the workload agent's certificates.
   */
  public static SecureMesh startWithPlaintextAds(
      EtcdExtension etcdProcess, Path dir, Duration workloadLifetime) throws Exception {
    SecureMesh mesh = new SecureMesh(etcdProcess.client(), dir, workloadLifetime, true);
    XdsServer.Builder replica = mesh.replica(mesh.pki.loadCa(Clock.systemUTC()))
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0));
    mesh.server = replica.start();
    return mesh;
  }

  private XdsServer startReplica(CertificateAuthority ca) throws Exception {
    return replica(ca).start();
  }

  private XdsServer.Builder replica(CertificateAuthority ca) {
    return XdsServer.builder(etcd)
        .prefix(prefix)
        .coalesceWindow(COALESCE_WINDOW)
        .secureAds(new InetSocketAddress("127.0.0.1", 0), ca,
            new IdentitySettings(TRUST_DOMAIN, workloadLifetime, List.of("127.0.0.1")));
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

  /** The replica's plaintext ADS port; only with {@link #startWithPlaintextAds}. */
  public int plaintextAdsPort() {
    if (!plaintextAds) {
      throw new IllegalStateException("this mesh has no plaintext ADS port: start it with "
          + "SecureMesh.startWithPlaintextAds");
    }
    return server.plaintextAdsPort();
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
   * A proxyless client of another gRPC implementation ({@link ExternalXdsClient}) of
   * {@code service}: its config from the plaintext ADS port, its calls mTLS with the certificate
   * the workload agent keeps in {@code identityDir} (xDS channel credentials).
   */
  public ExternalXdsClient externalClient(
      ExternalXdsClient.Family family, String service, Path identityDir) throws Exception {
    ExternalXdsClient client = ExternalXdsClient.of(family, plaintextAdsPort(), service)
        .identityDir(identityDir)
        .workDir(dir.resolve("clients"))
        .start();
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
