package io.paymesh.xds.ads;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.ServerCertificate;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of a replica's mTLS port: a server certificate the replica issues itself from the
 * workload CA (its key made here, in memory only) and renews at half its lifetime, and client
 * certificates checked against the mesh's trust bundle. Client certificates are requested, not
 * required, at the TLS layer: the identity API must accept a workload's first request, which has
 * a join token and no certificate yet; ADS refuses a call without one (StreamAuthenticator).
 */
public final class AdsServerCredentials implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsServerCredentials.class);
  /** Long enough to ride out a CA outage of hours; renewed at half, like a workload's. */
  static final Duration SERVER_CERTIFICATE_LIFETIME = Duration.ofHours(24);

  private final CertificateAuthority ca;
  private final String spiffeId;
  private final List<String> serverNames;
  private final Duration lifetime;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  /** What {@link #keys} presents now; only the renewal thread writes it. */
  private volatile X509Certificate current;
  private final ServerCredentials credentials;
  private final ScheduledExecutorService renewals =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "paymesh-ads-certificate");
        thread.setDaemon(true);
        return thread;
      });

  private AdsServerCredentials(CertificateAuthority ca, String spiffeId, List<String> serverNames,
      Duration lifetime) throws GeneralSecurityException, IOException {
    this.ca = ca;
    this.spiffeId = spiffeId;
    this.serverNames = List.copyOf(serverNames);
    this.lifetime = lifetime;
    AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
        .build();
    trust.updateTrustCredentials(ca.trustBundle().toArray(new X509Certificate[0]));
    this.credentials = TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(trust)
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /**
   * Issues the first server certificate now and schedules its renewals.
   *
   * @param serverNames the DNS names and IPs clients dial, checked by their hostname verification
   */
  public static AdsServerCredentials start(
      CertificateAuthority ca, String spiffeId, List<String> serverNames)
      throws GeneralSecurityException, IOException {
    return start(ca, spiffeId, serverNames, SERVER_CERTIFICATE_LIFETIME);
  }

  static AdsServerCredentials start(
      CertificateAuthority ca, String spiffeId, List<String> serverNames, Duration lifetime)
      throws GeneralSecurityException, IOException {
    AdsServerCredentials credentials =
        new AdsServerCredentials(ca, spiffeId, serverNames, lifetime);
    credentials.renew();
    return credentials;
  }

  public ServerCredentials credentials() {
    return credentials;
  }

  /** The certificate clients are shown now. */
  public X509Certificate currentCertificate() {
    return current;
  }

  private void renew() {
    ServerCertificate issued = ca.issueServerCertificate(spiffeId, serverNames, lifetime);
    keys.updateIdentityCredentials(
        issued.chain().toArray(new X509Certificate[0]), issued.privateKey());
    current = issued.leaf();
    Duration untilRenewal =
        Duration.between(CertificateAuthority.issuedAt(issued.leaf()),
            issued.leaf().getNotAfter().toInstant()).dividedBy(2);
    renewals.schedule(this::renewLogged, Math.max(1, untilRenewal.toMillis()),
        TimeUnit.MILLISECONDS);
    LOG.info("ADS server certificate {} valid until {}, next renewal in {}", spiffeId,
        issued.leaf().getNotAfter().toInstant(), untilRenewal);
  }

  private void renewLogged() {
    try {
      renew();
    } catch (RuntimeException e) {
      // The current certificate stays in use; try again soon rather than at half-life.
      LOG.error("could not renew the ADS server certificate; retrying in a minute", e);
      renewals.schedule(this::renewLogged, 1, TimeUnit.MINUTES);
    }
  }

  @Override
  public void close() {
    renewals.shutdownNow();
  }
}
