package io.paymesh.xds.demo;

import io.etcd.jetcd.Client;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.EndpointRegistry;
import io.paymesh.config.store.EtcdSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A demo payments backend for {@code scripts/run}: a plaintext gRPC server on loopback that
 * answers every {@code payments.v1.Payments} RPC (Charge, Refund, GetPayment; UTF-8 string
 * messages, no generated code) with its own name and prints one line per call, registered in
 * etcd as an instance of a policy Service under a lease it keeps alive. When it stops, the lease
 * is revoked (or, if it dies, expires after the TTL) and the instance leaves the mesh. Not for
 * production: no TLS, and etcd without TLS.
 */
@Command(name = "paymesh-demo-backend", mixinStandardHelpOptions = true,
    description = "Serves payments.v1.Payments on 127.0.0.1, answering with --name, and "
        + "registers itself as an endpoint of --service in etcd while it runs.")
public final class DemoBackendMain implements Callable<Integer> {
  static final String PAYMENTS_SERVICE = "payments.v1.Payments";
  static final String[] METHODS = {"Charge", "Refund", "GetPayment"};

  @Option(names = "--service", required = true, paramLabel = "SERVICE",
      description = "the policy Service this instance belongs to, e.g. payments-v1")
  String service;

  @Option(names = "--name", paramLabel = "NAME",
      description = "what every reply says and the instance id (default: <service>-demo)")
  String name;

  @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
      description = "port on 127.0.0.1 (default: any free port, printed at start)")
  int port;

  @Option(names = "--etcd", defaultValue = "http://127.0.0.1:2379", paramLabel = "URL",
      description = "etcd to register in (default: ${DEFAULT-VALUE})")
  String etcd;

  @Option(names = "--prefix", defaultValue = EtcdSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
      description = "paymesh key prefix (default: ${DEFAULT-VALUE})")
  String prefix;

  @Option(names = "--ttl", defaultValue = "10", paramLabel = "SECONDS",
      description = "lease TTL of the registration (default: ${DEFAULT-VALUE})")
  long ttlSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoBackendMain()).execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    String instance = name != null ? name : service + "-demo";
    AtomicLong calls = new AtomicLong();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(payments(instance, calls))
        .build()
        .start();
    int bound = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    CountDownLatch stopped = new CountDownLatch(1);
    try (Client client = new EtcdSettings(java.util.List.of(etcd), prefix).newClient();
        EndpointRegistry registry = new EndpointRegistry(client, prefix);
        EndpointRegistry.Registration registration = registry.register(
            new Endpoint(service, instance, "127.0.0.1", bound, "local", 1),
            Duration.ofSeconds(ttlSeconds))) {
      System.out.println(instance + ": serving " + PAYMENTS_SERVICE + " on 127.0.0.1:" + bound
          + ", registered as " + registration.key());
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "demo-backend-stop"));
      stopped.await();
    } finally {
      server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    return CommandLine.ExitCode.OK;
  }

  private static ServerServiceDefinition payments(String instance, AtomicLong calls) {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(PAYMENTS_SERVICE);
    for (String method : METHODS) {
      service.addMethod(unary(method), ServerCalls.asyncUnaryCall((request, reply) -> {
        System.out.println(instance + ": " + method + " #" + calls.incrementAndGet());
        reply.onNext(instance);
        reply.onCompleted();
      }));
    }
    return service.build();
  }

  private static MethodDescriptor<String, String> unary(String method) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(PAYMENTS_SERVICE, method))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  /** Requests and replies are UTF-8 strings, as in the tests' PaymentsRpc. */
  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
