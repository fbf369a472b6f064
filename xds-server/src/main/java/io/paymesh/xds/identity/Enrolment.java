package io.paymesh.xds.identity;

import io.grpc.Context;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinToken;
import io.paymesh.config.identity.JoinTokenConsumption;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.identity.StoredJoinToken;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.PolicyStoreException;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.xds.ClientStrings;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The rules of the identity API, without gRPC: who may get a certificate for which Service. A
 * renewal is authenticated by the caller's current certificate (its SPIFFE ID must be the
 * Service's, and it must have been issued after any revocation); a first certificate by a join
 * token, consumed in one etcd transaction. The name in the certificate always comes from the
 * policy. Everything that can be checked without using up the token (the service, the CSR) is
 * checked before it is consumed.
 */
final class Enrolment {
  private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

  enum Mode {
    ENROLMENT,
    RENEWAL
  }

  /** A certificate issued, and for the log how it was authorised. */
  record Issued(IssuedCertificate certificate, String service, String spiffeId, Mode mode,
      String authorisedBy) {}

  private final CertificateAuthority ca;
  private final JoinTokens tokens;
  private final IdentityRevocations revocations;
  private final Supplier<PolicySnapshot> policy;
  private final String trustDomainPrefix;
  private final Duration lifetime;

  Enrolment(CertificateAuthority ca, JoinTokens tokens, IdentityRevocations revocations,
      Supplier<PolicySnapshot> policy, String trustDomain, Duration lifetime) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.revocations = Objects.requireNonNull(revocations, "revocations");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.trustDomainPrefix = "spiffe://" + Objects.requireNonNull(trustDomain, "trustDomain") + "/";
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("workload certificate lifetime must be positive: "
          + lifetime);
    }
  }

  Issued sign(SignRequest request, Optional<PeerIdentity> peer) throws Refusal {
    String name = request.getService();
    if (!SERVICE_NAME.matcher(name).matches()) {
      throw new Refusal(Refusal.Reason.INVALID_REQUEST,
          "service: must be a Service name, got " + ClientStrings.quoted(name));
    }
    PolicySnapshot snapshot = policy.get();
    if (snapshot == null) {
      throw new Refusal(Refusal.Reason.NO_POLICY,
          "the xds-server has not read the policy from etcd yet; retry shortly");
    }
    Service service = snapshot.services().get(name);
    if (service == null) {
      throw new Refusal(Refusal.Reason.UNKNOWN_SERVICE, "no Service '" + name
          + "' in the policy (revision " + snapshot.revision() + ")");
    }
    WorkloadCsr csr;
    try {
      csr = WorkloadCsr.parse(request.getCsrDer().toByteArray());
    } catch (InvalidCsrException e) {
      throw new Refusal(Refusal.Reason.INVALID_CSR, e.getMessage());
    }
    String identity = service.spec().identity();
    if (!identity.startsWith(trustDomainPrefix)) {
      // The CA vouches for its own trust domain only: a Service naming another would otherwise
      // get a certificate that peers of that other domain might accept.
      throw new Refusal(Refusal.Reason.FOREIGN_TRUST_DOMAIN, "Service '" + name + "' has the "
          + "identity " + identity + ", outside this CA's trust domain (" + trustDomainPrefix
          + "...)");
    }
    Mode mode;
    String authorisedBy;
    if (peer.isPresent()) {
      authorisedBy = renewal(name, identity, peer.get(), request);
      mode = Mode.RENEWAL;
    } else {
      authorisedBy = enrolment(name, request);
      mode = Mode.ENROLMENT;
    }
    IssuedCertificate certificate;
    try {
      certificate = ca.sign(csr, identity, lifetime);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new Refusal(Refusal.Reason.CA_FAILED, "the CA cannot sign for Service '" + name
          + "': " + e.getMessage());
    }
    return new Issued(certificate, name, identity, mode, authorisedBy);
  }

  private String renewal(String name, String identity, PeerIdentity peer, SignRequest request)
      throws Refusal {
    if (!request.getJoinToken().isEmpty()) {
      throw new Refusal(Refusal.Reason.TOKEN_WITH_CERTIFICATE, "send either a join token (first "
          + "certificate, without a client certificate) or a client certificate (renewal), not "
          + "both");
    }
    if (!peer.spiffeId().equals(identity)) {
      throw new Refusal(Refusal.Reason.IDENTITY_MISMATCH, "the client certificate is for "
          + peer.spiffeId() + ", not for Service '" + name + "' (" + identity + ")");
    }
    Optional<Instant> revokedAt;
    try {
      revokedAt = revocations.revokedAt(name);
    } catch (PolicyStoreException e) {
      throw new Refusal(Refusal.Reason.STORE_UNAVAILABLE, "cannot read the revocation state of "
          + "Service '" + name + "' from etcd; retry", e.getMessage());
    }
    Instant issuedAt = CertificateAuthority.issuedAt(peer.leaf());
    if (revokedAt.isPresent() && !issuedAt.isAfter(revokedAt.get())) {
      throw new Refusal(Refusal.Reason.REVOKED, "the identity of Service '" + name
          + "' was revoked at " + revokedAt.get() + "; a certificate issued at " + issuedAt
          + " cannot be renewed: enrol again with a new join token");
    }
    return "certificate serial " + peer.leaf().getSerialNumber().toString(16);
  }

  private String enrolment(String name, SignRequest request) throws Refusal {
    if (request.getJoinToken().isEmpty()) {
      throw new Refusal(Refusal.Reason.TOKEN_MISSING, "join_token: required for a first "
          + "certificate; a renewal presents the current certificate (mTLS) instead");
    }
    JoinToken token;
    try {
      token = JoinToken.parse(request.getJoinToken());
    } catch (IllegalArgumentException e) {
      // JoinToken's message describes the expected form and never quotes the text.
      throw new Refusal(Refusal.Reason.TOKEN_MALFORMED, e.getMessage().replace("join token",
          "join_token"));
    }
    if (Context.current().isCancelled()) {
      // The caller is gone; a token consumed now would be lost with the certificate.
      throw new Refusal(Refusal.Reason.CANCELLED, "the call was cancelled before the join token "
          + "was used", "token " + token.fingerprint() + " not consumed");
    }
    JoinTokenConsumption consumption;
    try {
      consumption = tokens.consume(token, name);
    } catch (PolicyStoreException e) {
      throw new Refusal(Refusal.Reason.STORE_UNAVAILABLE, "the join token could not be checked "
          + "in etcd; retry (if it is then refused as used, ask for a new one)",
          "token " + token.fingerprint() + ": " + e.getMessage());
    }
    String fingerprint = "join token " + token.fingerprint();
    Optional<StoredJoinToken> stored = consumption.stored();
    switch (consumption.outcome()) {
      case CONSUMED:
        return fingerprint + " (issued by " + stored.map(StoredJoinToken::createdBy).orElse("?")
            + ")";
      case UNKNOWN_OR_USED:
        throw new Refusal(Refusal.Reason.TOKEN_UNKNOWN_OR_USED, "join token unknown, already "
            + "used or expired", fingerprint);
      case EXPIRED:
        throw new Refusal(Refusal.Reason.TOKEN_EXPIRED, "join token expired at "
            + stored.map(s -> s.expiresAt().toString()).orElse("?")
            + "; it is used up: ask for a new one", fingerprint);
      case OTHER_SERVICE:
        throw new Refusal(Refusal.Reason.TOKEN_OTHER_SERVICE, "join token was issued for "
            + "another service; it is used up: ask for a new one for Service '" + name + "'",
            fingerprint + " was issued for Service '"
                + stored.map(StoredJoinToken::service).orElse("?") + "'");
      default:
        throw new AssertionError("unhandled outcome " + consumption.outcome());
    }
  }
}
