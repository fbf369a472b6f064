package io.paymesh.xds.tools;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Asks an xds-server replica's gRPC health service whether it serves, for scripts and probes
 * that cannot count on a grpc_health_probe binary or Python's grpcio: {@code scripts/run} waits
 * on it before it prints its banner, and the Kubernetes manifests use it as the replicas' exec
 * probe (kubelet's own gRPC probe speaks plaintext only, and the health service shares the mTLS
 * ADS port). A replica reports SERVING once it has published its first snapshot.
 */
@Command(name = "paymesh-health-probe", mixinStandardHelpOptions = true,
    description = "Checks the gRPC health of an xds-server replica (the whole server, service "
        + "\"\") over TLS without a client certificate, verifying the replica's certificate "
        + "against the trust bundle.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:SERVING (with --live: the replica answered at all)",
        "1:the replica answered NOT_SERVING (it has not published a snapshot yet)",
        "2:usage error",
        "3:no answer: not listening, TLS failed, or --timeout passed"})
public final class HealthProbeMain implements Callable<Integer> {
  static final int EXIT_NOT_SERVING = 1;
  static final int EXIT_UNREACHABLE = 3;

  @Option(names = "--address", defaultValue = "127.0.0.1:18000", paramLabel = "HOST:PORT",
      description = "the replica's ADS port (default: ${DEFAULT-VALUE})")
  String address;

  @Option(names = "--trust-bundle", paramLabel = "FILE",
      description = "PEM CA certificates the replica's certificate chains to (its root.pem)")
  Path trustBundle;

  @Option(names = "--plaintext",
      description = "talk plaintext, to a plaintextAds port (development only)")
  boolean plaintext;

  @Option(names = "--authority", paramLabel = "NAME",
      description = "the name to verify in the replica's certificate, if not the address's host")
  String authority;

  @Option(names = "--timeout", defaultValue = "2", paramLabel = "SECONDS",
      description = "deadline of the check in seconds (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--live",
      description = "succeed on any answer, SERVING or not: for a liveness probe, so that a "
          + "replica still waiting for etcd is not restarted")
  boolean live;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new HealthProbeMain()).execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (plaintext == (trustBundle != null)) {
      System.err.println("give exactly one of --trust-bundle FILE and --plaintext");
      return CommandLine.ExitCode.USAGE;
    }
    if (timeoutSeconds < 1) {
      System.err.println("--timeout must be at least 1 second");
      return CommandLine.ExitCode.USAGE;
    }
    ChannelCredentials credentials;
    try {
      credentials = plaintext
          ? InsecureChannelCredentials.create()
          : TlsChannelCredentials.newBuilder().trustManager(trustBundle.toFile()).build();
    } catch (IOException | IllegalArgumentException e) {
      System.err.println(trustBundle + ": not a readable PEM trust bundle: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    var builder = Grpc.newChannelBuilder(address, credentials);
    if (authority != null) {
      builder.overrideAuthority(authority);
    }
    ManagedChannel channel = builder.build();
    try {
      ServingStatus status = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
      System.out.println(address + ": " + status);
      return live || status == ServingStatus.SERVING ? CommandLine.ExitCode.OK : EXIT_NOT_SERVING;
    } catch (StatusRuntimeException e) {
      System.out.println(address + ": no answer (" + e.getStatus().getCode() + ")");
      return EXIT_UNREACHABLE;
    } finally {
      channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
    }
  }
}
