package io.paymesh.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.xds.XdsCredentialsProvider;
import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code tls} channel credentials of an xDS bootstrap as gRFC A65 defines them, for
 * grpc-java: with {@code certificate_file} and {@code private_key_file} the client presents that
 * certificate to the xDS server, with {@code ca_certificate_file} it trusts only those CAs, and
 * the files are read again every {@code refresh_interval} (default 10m), so a certificate the
 * paymesh workload agent renews is picked up without a restart. grpc-java 1.85's own {@code tls}
 * provider ignores that config; this one has a higher priority and replaces it when this jar is
 * on the classpath. Without a config it behaves like grpc-java's: TLS with the system's roots.
 */
public final class FileMtlsXdsCredentialsProvider extends XdsCredentialsProvider {
  private static final Logger LOG =
      Logger.getLogger(FileMtlsXdsCredentialsProvider.class.getName());
  static final String NAME = "tls";
  /** Above grpc-java's own {@code tls} provider (5), so this one is chosen. */
  static final int PRIORITY = 6;
  static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);

  static final String CERTIFICATE_FILE = "certificate_file";
  static final String PRIVATE_KEY_FILE = "private_key_file";
  static final String CA_CERTIFICATE_FILE = "ca_certificate_file";
  static final String REFRESH_INTERVAL = "refresh_interval";

  /** One daemon thread re-reads the files of every channel created by this provider. */
  private static final ScheduledExecutorService RELOADER =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "paymesh-xds-credentials-reload");
        thread.setDaemon(true);
        return thread;
      });

  @Override
  protected ChannelCredentials newChannelCredentials(Map<String, ?> jsonConfig) {
    try {
      return credentials(jsonConfig == null ? Map.of() : jsonConfig);
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      // The registry's contract is null for an invalid config; say why, without file contents.
      LOG.log(Level.SEVERE, "invalid tls channel_creds config in the xDS bootstrap: {0}",
          e.getMessage());
      return null;
    }
  }

  static ChannelCredentials credentials(Map<String, ?> config)
      throws IOException, GeneralSecurityException {
    String certificate = optionalString(config, CERTIFICATE_FILE);
    String key = optionalString(config, PRIVATE_KEY_FILE);
    String ca = optionalString(config, CA_CERTIFICATE_FILE);
    if ((certificate == null) != (key == null)) {
      throw new IllegalArgumentException(
          CERTIFICATE_FILE + " and " + PRIVATE_KEY_FILE + " must be given together");
    }
    long refreshSeconds = refreshInterval(config).toSeconds();
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (certificate != null) {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      keys.updateIdentityCredentials(
          new File(certificate), new File(key), refreshSeconds, TimeUnit.SECONDS, RELOADER);
      tls.keyManager(keys);
    }
    if (ca != null) {
      AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(
              AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
          .build();
      trust.updateTrustCredentials(new File(ca), refreshSeconds, TimeUnit.SECONDS, RELOADER);
      tls.trustManager(trust);
    }
    return tls.build();
  }

  private static String optionalString(Map<String, ?> config, String field) {
    Object value = config.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(field + ": must be a file path");
    }
    return text;
  }

  /** A protobuf JSON Duration, such as {@code "600s"} or {@code "1.5s"}, as A65 specifies. */
  static Duration refreshInterval(Map<String, ?> config) {
    Object value = config.get(REFRESH_INTERVAL);
    if (value == null) {
      return DEFAULT_REFRESH;
    }
    Duration interval;
    try {
      String text = String.valueOf(value);
      if (!text.endsWith("s")) {
        throw new DateTimeParseException("no unit", text, 0);
      }
      interval = Duration.parse("PT" + text.substring(0, text.length() - 1) + "S");
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          REFRESH_INTERVAL + ": must be a duration in seconds like \"60s\"", e);
    }
    if (interval.toSeconds() < 1) {
      throw new IllegalArgumentException(REFRESH_INTERVAL + ": must be at least 1s");
    }
    return interval;
  }

  @Override
  protected String getName() {
    return NAME;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }
}
