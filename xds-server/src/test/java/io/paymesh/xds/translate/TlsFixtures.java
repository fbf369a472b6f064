package io.paymesh.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.WatchedDirectory;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * The expected TLS protos of the translator tests, written out field by field (not built with the
 * translator's helpers), so a change in what the translator emits shows up as a test failure.
 */
public final class TlsFixtures {
  private TlsFixtures() {}

  /** File-based SDS of a Secret the workload agent writes under /var/run/paymesh/identity. */
  static SdsSecretConfig fileSds(String name, String file) {
    return SdsSecretConfig.newBuilder()
        .setName(name)
        .setSdsConfig(ConfigSource.newBuilder()
            .setPathConfigSource(PathConfigSource.newBuilder()
                .setPath("/var/run/paymesh/identity/" + file)
                .setWatchedDirectory(
                    WatchedDirectory.newBuilder().setPath("/var/run/paymesh/identity")))
            .setResourceApiVersion(ApiVersion.V3))
        .build();
  }

  static SubjectAltNameMatcher uri(StringMatcher matcher) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(SubjectAltNameMatcher.SanType.URI)
        .setMatcher(matcher)
        .build();
  }

  /** TLS 1.2+, the workload certificate and the mesh bundle from files, {@code peer} on top. */
  static CommonTlsContext.Builder sidecarCommon(CertificateValidationContext peer) {
    return CommonTlsContext.newBuilder()
        .setTlsParams(TlsParameters.newBuilder()
            .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
        .addTlsCertificateSdsSecretConfigs(
            fileSds("workload-certificate", "sds/certificate.yaml"))
        .setCombinedValidationContext(
            CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(peer)
                .setValidationContextSdsSecretConfig(
                    fileSds("mesh-trust-bundle", "sds/trust-bundle.yaml")));
  }

  /** A sidecar's inbound TLS for a service of trust domain paymesh.local. */
  public static DownstreamTlsContext sidecarDownstream() {
    return DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(sidecarCommon(CertificateValidationContext.newBuilder()
                .addMatchTypedSubjectAltNames(
                    uri(StringMatcher.newBuilder().setPrefix("spiffe://paymesh.local/").build()))
                .build())
            .addAlpnProtocols("h2")
            .addAlpnProtocols("http/1.1"))
        .build();
  }

  static CertificateProviderPluginInstance provider() {
    return CertificateProviderPluginInstance.newBuilder()
        .setInstanceName("paymesh-workload")
        .build();
  }

  /** A proxyless gRPC server's TLS: provider instance for both certificate and roots. */
  public static DownstreamTlsContext proxylessDownstream() {
    return DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(provider())
            .setValidationContext(
                CertificateValidationContext.newBuilder()
                    .setCaCertificateProviderInstance(provider())))
        .build();
  }

  /** A sidecar's TLS to a mesh service: exact URI SAN, and h2 over ALPN for gRPC callees. */
  public static UpstreamTlsContext sidecarUpstream(String identity, boolean h2) {
    CommonTlsContext.Builder common = sidecarCommon(CertificateValidationContext.newBuilder()
        .addMatchTypedSubjectAltNames(uri(StringMatcher.newBuilder().setExact(identity).build()))
        .build());
    if (h2) {
      common.addAlpnProtocols("h2");
    }
    return UpstreamTlsContext.newBuilder().setCommonTlsContext(common).build();
  }

  /** A proxyless client's TLS to a mesh service: provider instance, deprecated exact SAN. */
  @SuppressWarnings("deprecation")
  public static UpstreamTlsContext proxylessUpstream(String identity) {
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(provider())
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setCaCertificateProviderInstance(provider())
                .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(identity))))
        .build();
  }

  public static TransportSocket tls(Message context) {
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(context))
        .build();
  }
}
