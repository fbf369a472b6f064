package io.paymesh.xds.agent;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.identity.v1.SignResponse;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.identity.PeerIdentity;
import io.paymesh.xds.identity.ServerCertificate;
import io.paymesh.xds.identity.WorkloadIdentityRpc;
import io.paymesh.xds.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A stand-in CA for the agent's unit tests: a real grpc-java TLS server on loopback serving SIGN
 * (join token or client certificate; P-256 CSR with a valid signature), which tests can make
 * fail or rotate, and which records every call it saw.
 */
final class FakeCa implements AutoCloseable {
  static final String TRUST_DOMAIN = "spiffe://paymesh.test/service/";
  private static final String SERVER_ID = "spiffe://paymesh.test/xds-server";

  /** One SIGN call as the server saw it. */
  record Call(Instant at, String service, boolean hadToken, Optional<BigInteger> clientSerial,
      Optional<String> clientSpiffeId) {}

  private final Server server;
  private final String token;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile boolean down;
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile TestPki issuer;
  private volatile List<X509Certificate> bundle;

  /**
   * Serves with a certificate from {@code serverCa} for {@code serverName} (an IP address or a DNS
   * name), trusts client certificates under the roots of {@code clientCas}, accepts
   * {@code token}; issues from {@code serverCa} with a bundle of just its root until told
   * otherwise.
   */
  FakeCa(TestPki serverCa, String serverName, List<TestPki> clientCas, String token)
      throws IOException {
    this.token = token;
    this.issuer = serverCa;
    this.bundle = List.of(serverCa.root());
    // As the xds-server gets its own: from its CA, for the name the agent dials.
    ServerCertificate serverCert = serverCa.loadCa(Clock.systemUTC())
        .issueServerCertificate(SERVER_ID, List.of(serverName), Duration.ofDays(1));
    ServerCredentials credentials = TlsServerCredentials.newBuilder()
        .keyManager(serverCert.keyManager())
        .trustManager(pem(Pem.certificatesToPem(clientCas.stream().map(TestPki::root).toList())))
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(WorkloadIdentityRpc.SERVICE)
        .addMethod(WorkloadIdentityRpc.SIGN, ServerCalls.asyncUnaryCall(this::sign))
        .build();
    this.server = NettyServerBuilder
        .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials)
        .addService(ServerInterceptors.intercept(service, PeerIdentity.interceptor()))
        .build()
        .start();
  }

  /** A CA on 127.0.0.1 whose server certificate and workload certificates come from {@code ca}. */
  static FakeCa on(TestPki ca, String token) throws IOException {
    return new FakeCa(ca, "127.0.0.1", List.of(ca), token);
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The next {@code n} calls fail with UNAVAILABLE. */
  void failNext(int n) {
    failNext.set(n);
  }

  /** Every call fails with UNAVAILABLE until {@code down(false)}. */
  void down(boolean down) {
    this.down = down;
  }

  void lifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  /** Issues from {@code next} from now on and returns {@code bundle} as the trust bundle. */
  void rotate(TestPki next, List<X509Certificate> bundle) {
    this.issuer = next;
    this.bundle = List.copyOf(bundle);
  }

  private void sign(SignRequest request, StreamObserver<SignResponse> response) {
    Optional<PeerIdentity> peer = PeerIdentity.current();
    boolean hadToken = !request.getJoinToken().isEmpty();
    calls.add(new Call(Instant.now(), request.getService(), hadToken,
        peer.map(p -> p.leaf().getSerialNumber()), peer.map(PeerIdentity::spiffeId)));
    if (down || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      response.onError(Status.UNAVAILABLE.withDescription("fake CA told to fail").asRuntimeException());
      return;
    }
    if (hadToken ? !request.getJoinToken().equals(token) : peer.isEmpty()) {
      response.onError(Status.UNAUTHENTICATED
          .withDescription(hadToken ? "join token refused" : "a renewal needs a client certificate")
          .asRuntimeException());
      return;
    }
    PublicKey key;
    try {
      JcaPKCS10CertificationRequest csr =
          new JcaPKCS10CertificationRequest(request.getCsrDer().toByteArray());
      ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(
          csr.getSubjectPublicKeyInfo().getAlgorithm().getParameters());
      key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
      if (!SECObjectIdentifiers.secp256r1.equals(curve)
          || !csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("not a P-256 CSR with a valid signature");
      }
    } catch (Exception e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("bad CSR: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    // Valid from a minute ago for the lifetime set.
    Instant now = Instant.now();
    List<X509Certificate> chain = issuer.issue(key, List.of(TRUST_DOMAIN + request.getService()),
        now.minus(Duration.ofMinutes(1)), now.plus(lifetime));
    X509Certificate leaf = chain.get(0);
    response.onNext(SignResponse.newBuilder()
        .setCertificateChainPem(Pem.certificatesToPem(chain))
        .setTrustBundlePem(Pem.certificatesToPem(bundle))
        .setNotAfter(Timestamp.newBuilder().setSeconds(leaf.getNotAfter().toInstant().getEpochSecond()))
        .build());
    response.onCompleted();
  }

  private static ByteArrayInputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(US_ASCII));
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
