package io.paymesh.xds.load;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times a cold start from outside, with a probe that is already running and warm when the server
 * is launched, so the figure is the server's start and not also the start of the JVM that
 * watches it. scripts/load starts it, waits for its ready file, writes the server's launch time
 * (epoch ms) to the started-at file and launches the server; the probe prints launch -> SERVING
 * in milliseconds.
 */
@Command(name = "cold-start", mixinStandardHelpOptions = true,
    description = "Prints the ms from a server's launch to its gRPC health saying SERVING.")
public final class ColdStartMain implements Callable<Integer> {
  @Option(names = "--ads", required = true, description = "the server's plaintext address host:port")
  String ads;
  @Option(names = "--ready-file", required = true,
      description = "created once the probe is warm and polling")
  Path readyFile;
  @Option(names = "--started-at-file", required = true,
      description = "holds the server's launch time (epoch ms), written before the launch")
  Path startedAtFile;
  @Option(names = "--timeout", defaultValue = "PT120S", description = "bound of the wait (ISO-8601)")
  Duration timeout;

  private static final int CONNECT_TIMEOUT_MS = 100;

  private final PrintStream out;

  ColdStartMain(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ColdStartMain(System.out)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String[] hostPort = ads.split(":", 2);
    InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    warmUp(address);
    Files.writeString(readyFile, "ready\n", StandardCharsets.UTF_8);
    // The channel is made only once the port accepts connections: one that failed to connect
    // would wait out gRPC's reconnect backoff (a second or more) before trying again.
    if (!Waits.until(timeout, () -> accepts(address))) {
      System.err.println("the server did not open " + ads + " within " + timeout);
      return 1;
    }
    ManagedChannel channel = channel(address);
    try {
      Optional<Long> servingAt = ColdStart.awaitServing(channel, timeout);
      if (servingAt.isEmpty()) {
        System.err.println("the server did not report SERVING within " + timeout);
        return 1;
      }
      long startedAt = Long.parseLong(Files.readString(startedAtFile).strip());
      out.println(servingAt.get() - startedAt);
      return 0;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** One health check on a throwaway channel loads the probe's own code before the clock runs. */
  private static void warmUp(InetSocketAddress address) throws InterruptedException {
    ManagedChannel warm = channel(address);
    try {
      ColdStart.awaitServing(warm, Duration.ofMillis(1));
    } finally {
      warm.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    accepts(address);
  }

  private static ManagedChannel channel(InetSocketAddress address) {
    return NettyChannelBuilder.forAddress(address).usePlaintext().build();
  }

  private static boolean accepts(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
