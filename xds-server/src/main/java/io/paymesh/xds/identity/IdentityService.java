package io.paymesh.xds.identity;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.google.protobuf.Timestamp;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.identity.v1.SignResponse;
import io.paymesh.xds.ClientStrings;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC service {@code paymesh.identity.v1.WorkloadIdentity}: answers Sign with a certificate
 * chain, the trust bundle and the expiry, or a status saying why not (rules in
 * {@link Enrolment}). Each outcome is logged and counted ({@code identity.sign.issued.*},
 * {@code identity.sign.refused.<reason>}).
 *
 * <p>Its handler blocks on etcd (bounded by the timeouts of {@link JoinTokens} and
 * {@link IdentityRevocations}); register it on a server that runs handlers on an executor (gRPC's
 * default), not {@code directExecutor()}, so no transport thread waits. The server must put the
 * caller's verified certificate in the context with {@link PeerIdentity#interceptor()}.
 */
public final class IdentityService implements BindableService {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);
  private static final String METRIC_PREFIX = "identity.sign.";

  private final Enrolment enrolment;
  private final CertificateAuthority ca;
  private final Map<Enrolment.Mode, Counter> issued = new EnumMap<>(Enrolment.Mode.class);
  private final Map<Refusal.Reason, Counter> refused = new EnumMap<>(Refusal.Reason.class);
  private final Counter failed;

  /**
   * @param policy the current policy; null until the first one has been read
   * @param trustDomain the mesh's trust domain: only identities in it are signed
   * @param workloadLifetime lifetime of workload certificates (cut at the CA's expiry)
   */
  public IdentityService(CertificateAuthority ca, JoinTokens tokens,
      IdentityRevocations revocations, Supplier<PolicySnapshot> policy, String trustDomain,
      Duration workloadLifetime, MetricRegistry metrics) {
    this.ca = ca;
    this.enrolment =
        new Enrolment(ca, tokens, revocations, policy, trustDomain, workloadLifetime);
    for (Enrolment.Mode mode : Enrolment.Mode.values()) {
      issued.put(mode, metrics.counter(METRIC_PREFIX + "issued."
          + mode.name().toLowerCase(java.util.Locale.ROOT)));
    }
    for (Refusal.Reason reason : Refusal.Reason.values()) {
      refused.put(reason, metrics.counter(METRIC_PREFIX + "refused." + reason.metricName()));
    }
    this.failed = metrics.counter(METRIC_PREFIX + "failed");
  }

  @Override
  public ServerServiceDefinition bindService() {
    return ServerServiceDefinition.builder(WorkloadIdentityRpc.SERVICE)
        .addMethod(WorkloadIdentityRpc.SIGN, ServerCalls.asyncUnaryCall(this::sign))
        .build();
  }

  private void sign(SignRequest request, StreamObserver<SignResponse> response) {
    Optional<PeerIdentity> peer = PeerIdentity.current();
    String caller = peer.map(p -> "peer " + p.spiffeId()).orElse("no client certificate");
    try {
      Enrolment.Issued result = enrolment.sign(request, peer);
      IssuedCertificate certificate = result.certificate();
      // Counted and logged before the answer leaves, so whoever sees the certificate also sees
      // it counted.
      issued.get(result.mode()).inc();
      LOG.info("Issued {} for Service '{}' ({}), serial {}, valid until {}, authorised by {}",
          result.mode() == Enrolment.Mode.RENEWAL ? "a renewal" : "a first certificate",
          result.service(), result.spiffeId(), certificate.leaf().getSerialNumber().toString(16),
          certificate.notAfter(), result.authorisedBy());
      response.onNext(SignResponse.newBuilder()
          .setCertificateChainPem(certificate.chainPem())
          .setTrustBundlePem(ca.trustBundlePem())
          .setNotAfter(timestamp(certificate.notAfter()))
          .build());
      response.onCompleted();
    } catch (Refusal refusal) {
      refused.get(refusal.reason()).inc();
      LOG.warn("Refused a certificate for service {} ({}, {}): {}{}",
          ClientStrings.quoted(request.getService()), refusal.reason(), caller, refusal.getMessage(),
          refusal.logDetail().isEmpty() ? "" : " [" + refusal.logDetail() + "]");
      response.onError(refusal.status().asRuntimeException());
    } catch (RuntimeException e) {
      failed.inc();
      LOG.error("Signing for service {} ({}) failed", ClientStrings.quoted(request.getService()),
          caller, e);
      response.onError(Status.INTERNAL.withDescription("internal error; see the xds-server log")
          .asRuntimeException());
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano()).build();
  }
}
