package io.paymesh.xds.testing;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.identity.v1.SignResponse;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.identity.TlsMaterial;
import io.paymesh.xds.identity.WorkloadIdentityRpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The workload side of the identity API, as an agent uses it: a TLS channel that trusts the mesh
 * bundle (and presents a client certificate when renewing), and Sign calls with a fresh P-256 key.
 */
public final class IdentityClient {
  private static final long DEADLINE_SECONDS = 20;

  private final List<X509Certificate> trustBundle;

  public IdentityClient(List<X509Certificate> trustBundle) {
    this.trustBundle = List.copyOf(trustBundle);
  }

  /** The result of a successful Sign: the new key with its chain, and the raw response. */
  public record Signed(TestIdentity identity, SignResponse response) {}

  /** A first certificate with a join token (no client certificate). */
  public Signed enrol(int port, String service, String joinToken) {
    return sign(port, Optional.empty(), service, joinToken, Certificates.newP256KeyPair());
  }

  /** A renewal, authenticated by {@code current}. */
  public Signed renew(int port, TestIdentity current, String service) {
    return sign(port, Optional.of(current), service, "", Certificates.newP256KeyPair());
  }

  public Signed sign(int port, Optional<TestIdentity> client, String service, String joinToken,
      KeyPair keys) {
    SignResponse response = call(port, client, SignRequest.newBuilder()
        .setService(service)
        .setCsrDer(ByteString.copyFrom(Csrs.of(keys)))
        .setJoinToken(joinToken)
        .build());
    try {
      List<X509Certificate> chain = Pem.parseCertificates("response",
          response.getCertificateChainPem());
      return new Signed(new TestIdentity(keys.getPrivate(), chain), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One Sign call on a new channel; failures surface as {@code StatusRuntimeException}. */
  public SignResponse call(int port, Optional<TestIdentity> client, SignRequest request) {
    TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder()
        .trustManager(TlsMaterial.trustManager(trustBundle));
    client.ifPresent(identity -> credentials.keyManager(identity.keyManager()));
    ChannelCredentials built = credentials.build();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, built).build();
    try {
      return ClientCalls.blockingUnaryCall(channel, WorkloadIdentityRpc.SIGN,
          CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), request);
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
