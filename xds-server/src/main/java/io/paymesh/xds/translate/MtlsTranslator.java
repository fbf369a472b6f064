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
import io.paymesh.config.model.InboundMtls;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;

/**
 * Translates workload identity into TLS: what a service's inbound listeners demand of callers
 * (its PeerAuthentication) and how a cluster to a mesh Service presents the caller's certificate
 * and verifies the callee's SPIFFE ID.
 *
 * <p>Two forms, because Envoy and grpc-java accept disjoint parts of the TLS API. Envoy reads the
 * workload certificate and trust bundle through file-based SDS (the workload agent writes the
 * Secret files) and matches SANs with {@code match_typed_subject_alt_names}; it does not
 * implement certificate provider instances. grpc-java rejects SDS, {@code tls_params} and, on a
 * server, any SAN matcher; it reads certificates from the bootstrap's certificate provider
 * instance and matches upstream SANs with the deprecated {@code match_subject_alt_names} only.
 */
final class MtlsTranslator {

  /** The mode of the service's inbound listeners ({@link InboundMtls}, read through the policy). */
  MtlsMode inboundMode(PolicySnapshot snapshot, Service service) {
    return InboundMtls.modeOf(service, snapshot.peerAuthenticationsFor(service.name()));
  }

  /**
   * A sidecar's inbound TLS: the workload certificate, a client certificate required and verified
   * against the mesh trust bundle, and only from the service's own trust domain (a URI SAN prefix;
   * RBAC then matches the exact caller).
   */
  DownstreamTlsContext sidecarDownstream(Service service) {
    CertificateValidationContext callers =
        CertificateValidationContext.newBuilder()
            .addMatchTypedSubjectAltNames(
                uriSan(StringMatcher.newBuilder()
                    .setPrefix(trustDomainPrefix(service.spec().identity()))
                    .build()))
            .build();
    CommonTlsContext common =
        sidecarCommon(callers)
            .addAlpnProtocols(XdsNames.ALPN_H2)
            .addAlpnProtocols(XdsNames.ALPN_HTTP11)
            .build();
    return DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(common)
        .build();
  }

  /**
   * A proxyless gRPC server's TLS (gRFC A29/A36): certificate and roots from the bootstrap's
   * certificate provider instance, a client certificate required. No SAN matcher (grpc-java
   * rejects one on a server: RBAC matches the caller) and no tls_params (rejected; gRPC
   * negotiates TLS 1.2 or later by itself).
   */
  DownstreamTlsContext proxylessDownstream() {
    return DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(
            CommonTlsContext.newBuilder()
                .setTlsCertificateProviderInstance(certificateProvider())
                .setValidationContext(
                    CertificateValidationContext.newBuilder()
                        .setCaCertificateProviderInstance(certificateProvider())))
        .build();
  }

  /**
   * A caller's TLS to a mesh Service: present the caller's workload certificate, trust the mesh
   * bundle, and accept only the callee's exact SPIFFE ID, so a workload holding another mesh
   * certificate cannot pose as the callee.
   *
   * @param http2 ask for h2 over ALPN (sidecar only), as a gRPC callee requires
   */
  UpstreamTlsContext upstream(Service target, ProxyForm form, boolean http2) {
    return upstream(List.of(target.spec().identity()), form, http2);
  }

  /**
   * A caller's TLS to a cluster holding the endpoints of several Services (a sticky split): each
   * endpoint must present one of their exact SPIFFE IDs. TLS cannot tie a SAN to one endpoint, so
   * an endpoint of one side may present the other side's identity; both are destinations the
   * route allows.
   */
  UpstreamTlsContext upstream(List<String> identities, ProxyForm form, boolean http2) {
    CommonTlsContext common;
    switch (form) {
      case SIDECAR -> {
        CertificateValidationContext.Builder peer = CertificateValidationContext.newBuilder();
        identities.forEach(id -> peer.addMatchTypedSubjectAltNames(uriSan(ProtoValues.exact(id))));
        CommonTlsContext.Builder b = sidecarCommon(peer.build());
        if (http2) {
          b.addAlpnProtocols(XdsNames.ALPN_H2);
        }
        common = b.build();
      }
      case PROXYLESS -> common =
          CommonTlsContext.newBuilder()
              .setTlsCertificateProviderInstance(certificateProvider())
              .setValidationContext(proxylessUpstreamValidation(identities))
              .build();
      default -> throw new AssertionError("unknown form " + form);
    }
    return UpstreamTlsContext.newBuilder().setCommonTlsContext(common).build();
  }

  /** The transport socket that carries a TLS context. */
  static TransportSocket tlsTransportSocket(Message context) {
    return TransportSocket.newBuilder()
        .setName(XdsNames.TLS_TRANSPORT_SOCKET)
        .setTypedConfig(Any.pack(context))
        .build();
  }

  /**
   * grpc-java verifies an upstream's SANs only with this deprecated field (gRFC A29 predates
   * {@code match_typed_subject_alt_names}, which it ignores); its exact matcher is compared with
   * the certificate's DNS, URI and IP SANs, so a SPIFFE ID matches only the URI SAN.
   */
  @SuppressWarnings("deprecation")
  private static CertificateValidationContext proxylessUpstreamValidation(
      List<String> identities) {
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
        .setCaCertificateProviderInstance(certificateProvider());
    identities.forEach(id -> validation.addMatchSubjectAltNames(ProtoValues.exact(id)));
    return validation.build();
  }

  /**
   * What both sidecar directions share: TLS 1.2 at least, the workload certificate and the trust
   * bundle from the agent's SDS files, and {@code peer} as the SAN rule applied on top of the
   * bundle (a combined context, since the SAN rule comes from policy and the roots from a file).
   */
  private static CommonTlsContext.Builder sidecarCommon(CertificateValidationContext peer) {
    return CommonTlsContext.newBuilder()
        .setTlsParams(
            TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
        .addTlsCertificateSdsSecretConfigs(
            fileSds(XdsNames.WORKLOAD_CERTIFICATE_SECRET, XdsNames.SDS_CERTIFICATE_FILE))
        .setCombinedValidationContext(
            CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(peer)
                .setValidationContextSdsSecretConfig(
                    fileSds(XdsNames.MESH_TRUST_BUNDLE_SECRET, XdsNames.SDS_TRUST_BUNDLE_FILE)));
  }

  /**
   * A Secret Envoy reads from a file the workload agent writes. The agent replaces its files by
   * renaming a symlink inside {@link XdsNames#IDENTITY_DIR} (Kubernetes AtomicWriter style), so
   * that directory is the one watched for moves; a watch on the file itself would miss the swap.
   */
  static SdsSecretConfig fileSds(String secretName, String relativeFile) {
    return SdsSecretConfig.newBuilder()
        .setName(secretName)
        .setSdsConfig(
            ConfigSource.newBuilder()
                .setPathConfigSource(
                    PathConfigSource.newBuilder()
                        .setPath(XdsNames.identityFile(relativeFile))
                        .setWatchedDirectory(
                            WatchedDirectory.newBuilder().setPath(XdsNames.IDENTITY_DIR)))
                .setResourceApiVersion(ApiVersion.V3))
        .build();
  }

  private static CertificateProviderPluginInstance certificateProvider() {
    return CertificateProviderPluginInstance.newBuilder()
        .setInstanceName(XdsNames.CERTIFICATE_PROVIDER_INSTANCE)
        .build();
  }

  private static SubjectAltNameMatcher uriSan(StringMatcher matcher) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(SubjectAltNameMatcher.SanType.URI)
        .setMatcher(matcher)
        .build();
  }

  /** {@code spiffe://td/...} -> {@code spiffe://td/} (identities are validated SPIFFE IDs). */
  static String trustDomainPrefix(String spiffeId) {
    int pathStart = spiffeId.indexOf('/', XdsNames.SPIFFE_SCHEME.length());
    if (!spiffeId.startsWith(XdsNames.SPIFFE_SCHEME) || pathStart < 0) {
      throw new IllegalArgumentException("not a SPIFFE ID: " + spiffeId);
    }
    return spiffeId.substring(0, pathStart + 1);
  }
}
