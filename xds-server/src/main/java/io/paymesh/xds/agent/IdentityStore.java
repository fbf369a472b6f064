package io.paymesh.xds.agent;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.paymesh.xds.agent.AtomicDirectoryWriter.FileSpec;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.translate.XdsNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The identity directory's layout: what one issuance becomes on disk (cert.pem, key.pem 0600,
 * bundle.pem and the two SDS files, swapped in together) and how the current one is read back,
 * all of it from the same {@code ..data} generation.
 */
final class IdentityStore {
  static final Set<PosixFilePermission> PUBLIC_FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");
  static final Set<PosixFilePermission> KEY_FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private final AtomicDirectoryWriter writer;

  IdentityStore(Path dir, Clock clock) {
    this.writer = new AtomicDirectoryWriter(dir, clock);
  }

  Path dir() {
    return writer.dir();
  }

  void write(WorkloadIdentity identity) throws IOException {
    Path dir = writer.dir();
    byte[] key = Pem.privateKeyToPem(identity.privateKey()).getBytes(US_ASCII);
    try {
      writer.write(List.of(
          new FileSpec(XdsNames.IDENTITY_CERT_FILE,
              Pem.certificatesToPem(identity.chain()).getBytes(US_ASCII), PUBLIC_FILE_MODE),
          new FileSpec(XdsNames.IDENTITY_KEY_FILE, key, KEY_FILE_MODE),
          new FileSpec(XdsNames.IDENTITY_BUNDLE_FILE,
              Pem.certificatesToPem(identity.trustBundle()).getBytes(US_ASCII), PUBLIC_FILE_MODE),
          new FileSpec(XdsNames.SDS_CERTIFICATE_FILE,
              SdsSecretFiles.certificate(dir).getBytes(UTF_8), PUBLIC_FILE_MODE),
          new FileSpec(XdsNames.SDS_TRUST_BUNDLE_FILE,
              SdsSecretFiles.trustBundle(dir).getBytes(UTF_8), PUBLIC_FILE_MODE)));
    } finally {
      Arrays.fill(key, (byte) 0); // one copy of the key fewer in the heap
    }
  }

  /**
   * The identity written last, if there is one whose key belongs to its certificate. Expiry is
   * the caller's business. Reads all three files from the generation {@code ..data} names, so
   * they are of one issuance even if that link moves meanwhile.
   */
  Optional<WorkloadIdentity> read() throws IOException {
    Optional<Path> data = writer.currentDataDir();
    if (data.isEmpty()) {
      return Optional.empty();
    }
    Path generation = data.get();
    List<X509Certificate> chain =
        Pem.readCertificates(generation.resolve(XdsNames.IDENTITY_CERT_FILE));
    Path keyFile = generation.resolve(XdsNames.IDENTITY_KEY_FILE);
    PrivateKey key =
        Pem.parsePkcs8PrivateKey(keyFile.toString(), Files.readString(keyFile, US_ASCII));
    List<X509Certificate> bundle =
        Pem.readCertificates(generation.resolve(XdsNames.IDENTITY_BUNDLE_FILE));
    if (!Certificates.isPair(key, chain.get(0).getPublicKey())) {
      throw new IOException(generation + ": key.pem does not belong to cert.pem");
    }
    return Optional.of(new WorkloadIdentity(chain, key, bundle));
  }
}
