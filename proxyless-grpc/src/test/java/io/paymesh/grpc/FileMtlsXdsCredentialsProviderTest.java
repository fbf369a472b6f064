package io.paymesh.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.TlsChannelCredentials;
import io.grpc.xds.XdsCredentialsProvider;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The provider's config handling. That a grpc-java xDS client really presents the agent's
 * certificate to the xds-server through it is proven end to end in xds-server's mTLS tests.
 */
class FileMtlsXdsCredentialsProviderTest {

  @Test
  void serviceLoader_findsItForTlsAboveGrpcJavasOwn() {
    // grpc-java's registry discovers providers this way and takes the highest priority per name.
    List<XdsCredentialsProvider> tls =
        ServiceLoader.load(XdsCredentialsProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.getClass().getSimpleName().equals("TlsXdsCredentialsProvider")
                || p instanceof FileMtlsXdsCredentialsProvider)
            .sorted(Comparator.comparingInt(XdsCredentialsProvider::priority).reversed())
            .toList();

    assertThat(tls).hasSize(2);
    assertThat(tls.get(0)).isInstanceOf(FileMtlsXdsCredentialsProvider.class);
    assertThat(tls.get(0).priority()).isGreaterThan(tls.get(1).priority());
  }

  @Test
  void credentials_withoutConfig_areTlsWithSystemRoots() throws Exception {
    assertThat(FileMtlsXdsCredentialsProvider.credentials(Map.of()))
        .isInstanceOfSatisfying(TlsChannelCredentials.class, tls -> {
          assertThat(tls.getKeyManagers()).isNull();
          assertThat(tls.getTrustManagers()).isNull();
        });
  }

  @Test
  void credentials_whenOnlyTheCertificateIsGiven_refuseTheConfig() {
    assertThatThrownBy(() -> FileMtlsXdsCredentialsProvider.credentials(
            Map.of("certificate_file", "/var/run/paymesh/identity/cert.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate_file and private_key_file must be given together");
  }

  @Test
  void newChannelCredentials_whenAFileIsMissing_returnsNullAsTheRegistryExpects() {
    assertThat(new FileMtlsXdsCredentialsProvider().newChannelCredentials(Map.of(
            "certificate_file", "/nonexistent/cert.pem",
            "private_key_file", "/nonexistent/key.pem")))
        .isNull();
  }

  @Test
  void refreshInterval_readsProtobufJsonDurations() {
    assertThat(FileMtlsXdsCredentialsProvider.refreshInterval(Map.of("refresh_interval", "60s")))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(FileMtlsXdsCredentialsProvider.refreshInterval(Map.of()))
        .isEqualTo(FileMtlsXdsCredentialsProvider.DEFAULT_REFRESH);
  }

  @Test
  void refreshInterval_whenNotADuration_saysWhatItMustBe() {
    assertThatThrownBy(
            () -> FileMtlsXdsCredentialsProvider.refreshInterval(Map.of("refresh_interval", "1m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refresh_interval: must be a duration in seconds like \"60s\"");
    assertThatThrownBy(
            () -> FileMtlsXdsCredentialsProvider.refreshInterval(Map.of("refresh_interval", "0s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refresh_interval: must be at least 1s");
  }
}
