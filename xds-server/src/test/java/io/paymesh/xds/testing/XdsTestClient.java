package io.paymesh.xds.testing;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.paymesh.xds.translate.XdsNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real proxyless grpc-java xDS client ({@code xds:///host}) with its own bootstrap, pointed at
 * an ADS server on loopback. Each client gets its own resolver scheme, hence its own XdsClient and
 * ADS stream, so several can run in one JVM against different servers.
 */
public final class XdsTestClient implements AutoCloseable {
  private static final AtomicInteger SCHEMES = new AtomicInteger();

  private final ManagedChannel channel;

  private XdsTestClient(ManagedChannel channel) {
    this.channel = channel;
  }

  /**
   * @param adsPort the xds-server's ADS port on 127.0.0.1
   * @param service the client's own service (node.cluster): it decides which policy applies
   * @param host the destination host, i.e. the target {@code xds:///host}
   */
  public static XdsTestClient connect(int adsPort, String service, String host) {
    String scheme = "xds-test-" + SCHEMES.incrementAndGet();
    Map<String, ?> bootstrap =
        Map.of(
            "xds_servers",
            List.of(
                Map.of(
                    "server_uri", "127.0.0.1:" + adsPort,
                    "channel_creds", List.of(Map.of("type", "insecure")),
                    "server_features", List.of("xds_v3"))),
            "node",
            Map.of("id", service + "~" + scheme, "cluster", service),
            // grpc-java refuses (NACKs) a cluster whose TLS names a certificate provider instance
            // its bootstrap lacks, even on a channel whose insecure credentials never use it; the
            // files are read only by a channel or server with xDS credentials.
            "certificate_providers",
            Map.of(XdsNames.CERTIFICATE_PROVIDER_INSTANCE, Map.of(
                "plugin_name", "file_watcher",
                "config", Map.of(
                    "certificate_file", XdsNames.identityFile(XdsNames.IDENTITY_CERT_FILE),
                    "private_key_file", XdsNames.identityFile(XdsNames.IDENTITY_KEY_FILE),
                    "ca_certificate_file", XdsNames.identityFile(XdsNames.IDENTITY_BUNDLE_FILE),
                    "refresh_interval", "60s"))));
    NameResolverRegistry registry = new NameResolverRegistry();
    registry.register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
    ManagedChannel channel =
        Grpc.newChannelBuilder(scheme + ":///" + host, InsecureChannelCredentials.create(), registry)
            .build();
    return new XdsTestClient(channel);
  }

  /**
   * A client of service {@code service} in an mTLS mesh: ADS over mTLS and calls to backends
   * over mTLS, both with the certificate the workload agent keeps in {@code identityDir}.
   */
  public static XdsTestClient connectMtls(
      int adsPort, String service, String host, Path identityDir) {
    String scheme = "xds-test-" + SCHEMES.incrementAndGet();
    NameResolverRegistry registry = new NameResolverRegistry();
    registry.register(XdsNameResolverProvider.createForTest(
        scheme, WorkloadBootstrap.of(adsPort, service, scheme, identityDir)));
    // The cluster's TLS config comes from xDS; the fallback applies only to a cluster without
    // one, which paymesh never sends for a mesh service.
    ManagedChannel channel =
        Grpc.newChannelBuilder(scheme + ":///" + host,
                XdsChannelCredentials.create(InsecureChannelCredentials.create()), registry)
            .build();
    return new XdsTestClient(channel);
  }

  /** Sends one Charge RPC; returns the name of the backend that answered. */
  public String charge() {
    return call(PaymentsRpc.CHARGE);
  }

  /** Sends one GetPayment RPC; returns the name of the backend that answered. */
  public String getPayment() {
    return call(PaymentsRpc.GET_PAYMENT);
  }

  private String call(MethodDescriptor<String, String> method) {
    return ClientCalls.blockingUnaryCall(
        channel, method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "order-1");
  }

  /**
   * Sends one RPC with the given request headers and a 5 s deadline; returns the name of the
   * backend that answered.
   */
  public String call(MethodDescriptor<String, String> method, Map<String, String> headers) {
    return call(method, headers, Duration.ofSeconds(5));
  }

  /**
   * Sends one RPC with extra request headers (gRPC metadata, which xDS routes match) and its own
   * deadline; returns the name of the backend that answered.
   */
  public String call(
      MethodDescriptor<String, String> method, Map<String, String> headers, Duration deadline) {
    return ClientCalls.blockingUnaryCall(
        withHeaders(headers), method, options(deadline), "order-1");
  }

  /** Like {@link #call} without waiting: the future completes with the backend's name. */
  public ListenableFuture<String> callAsync(
      MethodDescriptor<String, String> method, Map<String, String> headers, Duration deadline) {
    return ClientCalls.futureUnaryCall(
        withHeaders(headers).newCall(method, options(deadline)), "order-1");
  }

  private Channel withHeaders(Map<String, String> headers) {
    Metadata metadata = new Metadata();
    headers.forEach((name, value) ->
        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  private static CallOptions options(Duration deadline) {
    return CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Like {@link #charge()} but returns null instead of throwing when the RPC fails. */
  public String tryCharge() {
    try {
      return charge();
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
