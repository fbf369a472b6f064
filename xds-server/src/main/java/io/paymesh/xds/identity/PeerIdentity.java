package io.paymesh.xds.identity;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The verified client certificate of a call, as the TLS handshake left it. The handshake has
 * already checked the chain against the mesh's trust bundle; what is read here is who the peer
 * is: its leaf certificate and the one SPIFFE ID (URI SAN) in it. A call without a client
 * certificate (plaintext, or TLS without one) has no peer identity.
 */
public record PeerIdentity(String spiffeId, X509Certificate leaf) {
  /** Set by {@link #interceptor()} for the duration of each call. */
  public static final Context.Key<PeerIdentity> CONTEXT_KEY = Context.key("paymesh-peer-identity");

  private static final int URI_SAN = 6;
  private static final String SPIFFE_SCHEME = "spiffe://";

  /** The identity of the current call, if its client presented a certificate with a SPIFFE ID. */
  public static Optional<PeerIdentity> current() {
    return Optional.ofNullable(CONTEXT_KEY.get());
  }

  /** The peer identity of a TLS session, if the client sent a certificate with one SPIFFE ID. */
  public static Optional<PeerIdentity> of(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return spiffeIdOf(leaf).map(id -> new PeerIdentity(id, leaf));
  }

  /**
   * The certificate's SPIFFE ID: its only URI SAN, which must start with {@code spiffe://}. An
   * X.509 SVID carries exactly one; a certificate with none or several names nobody.
   */
  public static Optional<String> spiffeIdOf(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    List<String> uris = names.stream()
        .filter(n -> n.size() >= 2 && Integer.valueOf(URI_SAN).equals(n.get(0)))
        .map(n -> String.valueOf(n.get(1)))
        .toList();
    if (uris.size() != 1 || !uris.get(0).startsWith(SPIFFE_SCHEME)) {
      return Optional.empty();
    }
    return Optional.of(uris.get(0));
  }

  /** Puts each call's peer identity, if any, into its {@link Context}. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        Optional<PeerIdentity> peer = of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (peer.isEmpty()) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
            Context.current().withValue(CONTEXT_KEY, peer.get()), call, headers, next);
      }
    };
  }
}
