package io.paymesh.xds.agent;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.identity.v1.SignResponse;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.identity.WorkloadIdentityRpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls SIGN on the control plane over TLS with hostname verification, trusting the given bundle
 * and presenting the current certificate on a renewal (none on a first request); tries the
 * replicas in turn, starting with the last one that answered.
 */
final class CaClient {
  private static final Logger LOG = LoggerFactory.getLogger(CaClient.class);

  /** A signed answer and the replica that gave it. */
  record Signed(SignResponse response, String target) {}

  private final List<String> targets;
  private final Duration deadline;
  private volatile int preferred;

  CaClient(List<String> targets, Duration deadline) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no CA target");
    }
    this.targets = List.copyOf(targets);
    this.deadline = deadline;
  }

  /**
   * Asks each replica in turn until one signs. {@code request} may hold a join token: it is
   * never logged, nor is anything a replica says about it beyond its status.
   */
  Signed sign(SignRequest request, List<X509Certificate> trustBundle,
      Optional<WorkloadIdentity> client) throws IssuanceException {
    ChannelCredentials credentials = credentials(trustBundle, client);
    List<String> failures = new ArrayList<>();
    int first = preferred;
    for (int i = 0; i < targets.size(); i++) {
      int index = (first + i) % targets.size();
      String target = targets.get(index);
      ManagedChannel channel = Grpc.newChannelBuilder(target, credentials)
          .userAgent("paymesh-workload-agent")
          .build();
      try {
        SignResponse response = ClientCalls.blockingUnaryCall(channel, WorkloadIdentityRpc.SIGN,
            CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS),
            request);
        preferred = index;
        return new Signed(response, target);
      } catch (StatusRuntimeException e) {
        String why = describe(e.getStatus());
        LOG.warn("SIGN on {} failed: {}", target, why);
        failures.add(target + ": " + why);
      } finally {
        channel.shutdownNow();
      }
    }
    throw new IssuanceException("no CA replica signed: " + String.join("; ", failures));
  }

  private static ChannelCredentials credentials(List<X509Certificate> trustBundle,
      Optional<WorkloadIdentity> client) throws IssuanceException {
    try {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder()
          .trustManager(
              new ByteArrayInputStream(Pem.certificatesToPem(trustBundle).getBytes(US_ASCII)));
      if (client.isPresent()) {
        byte[] key = Pem.privateKeyToPem(client.get().privateKey()).getBytes(US_ASCII);
        try {
          byte[] chain = Pem.certificatesToPem(client.get().chain()).getBytes(US_ASCII);
          tls.keyManager(new ByteArrayInputStream(chain), new ByteArrayInputStream(key));
        } finally {
          Arrays.fill(key, (byte) 0); // the builder has its own copy
        }
      }
      return tls.build();
    } catch (IOException e) {
      throw new IssuanceException(
          "cannot set up TLS to the CA (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Code, description and the innermost cause: a TLS failure's reason is only in the cause. */
  private static String describe(Status status) {
    StringBuilder text = new StringBuilder(status.getCode().toString());
    if (status.getDescription() != null) {
      // Netty appends its channel pipeline on further lines: noise in a log line.
      text.append(": ").append(status.getDescription().lines().findFirst().orElse(""));
    }
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != null && root.getMessage() != null) {
      text.append(" (").append(root.getMessage()).append(')');
    }
    return text.toString();
  }
}
