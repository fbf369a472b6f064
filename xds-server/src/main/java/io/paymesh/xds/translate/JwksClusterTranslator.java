package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;
import static io.paymesh.xds.translate.ProtoValues.socketAddress;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.paymesh.config.model.RequestAuthentication;
import java.net.URI;
import java.util.List;
import java.util.TreeMap;

/**
 * The clusters jwt_authn fetches issuers' key sets through: one per JWKS host and port, resolved
 * by DNS, over TLS 1.2+ verified against the system roots and the host name (so the key set
 * cannot be swapped on the way). No route may send traffic to them (the Gate checks).
 */
final class JwksClusterTranslator {

  List<Cluster> clusters(List<RequestAuthentication> authentications) {
    TreeMap<String, URI> byName = new TreeMap<>();
    for (RequestAuthentication authentication : authentications) {
      for (RequestAuthentication.JwtIssuer issuer : authentication.spec().issuers()) {
        // Inline key sets are not fetched: no cluster.
        issuer.remoteJwks().ifPresent(remote ->
            byName.putIfAbsent(XdsNames.jwksCluster(remote.uri()), URI.create(remote.uri())));
      }
    }
    return byName.entrySet().stream().map(e -> cluster(e.getKey(), e.getValue())).toList();
  }

  private static Cluster cluster(String name, URI uri) {
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? 443 : uri.getPort();
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder()
        .setSni(host)
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder().setFilename(XdsNames.SYSTEM_CA_BUNDLE))
                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                    .setSanType(SubjectAltNameMatcher.SanType.DNS)
                    .setMatcher(ProtoValues.exact(host)))))
        .build();
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.STRICT_DNS)
        .setConnectTimeout(duration(XdsNames.JWKS_CONNECT_TIMEOUT))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder()
            .setClusterName(name)
            .addEndpoints(LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(LbEndpoint.newBuilder()
                    .setEndpoint(Endpoint.newBuilder().setAddress(socketAddress(host, port))))))
        .setTransportSocket(MtlsTranslator.tlsTransportSocket(tls))
        .build();
  }
}
