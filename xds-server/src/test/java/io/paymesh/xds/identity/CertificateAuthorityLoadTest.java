package io.paymesh.xds.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.xds.testing.Csrs;
import io.paymesh.xds.testing.TestPki;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the CA files: what is accepted, and the error, naming the file, for each mistake. */
class CertificateAuthorityLoadTest {
  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path dir;
  private TestPki pki;

  @BeforeEach
  void setUp() {
    pki = TestPki.create(dir.resolve("mesh"), "mesh", NOW);
  }

  private CertificateAuthority load(Path chain, Path key, List<Path> bundle)
      throws InvalidCaException {
    return CertificateAuthority.load(chain, key, bundle, CLOCK);
  }

  private String loadError(Path chain, Path key, List<Path> bundle) {
    return catchThrowableOfType(InvalidCaException.class, () -> load(chain, key, bundle))
        .getMessage();
  }

  @Test
  void load_ofAnIntermediateUnderABundleRoot_servesTheIntermediateAndTheBundle() throws Exception {
    CertificateAuthority ca = load(pki.signingChainFile(), pki.keyFile(),
        List.of(pki.bundleFile()));

    assertThat(ca.signingCertificate()).isEqualTo(pki.intermediate());
    assertThat(ca.trustBundle()).containsExactly(pki.root());
    assertThat(ca.trustBundlePem()).isEqualTo(Pem.certificatesToPem(List.of(pki.root())));
    assertThat(ca.validUntil()).isEqualTo(pki.intermediate().getNotAfter().toInstant());
    assertThat(ca.toString())
        .isEqualTo("CertificateAuthority[CN=mesh workload CA,O=paymesh test, EC key, valid until "
            + ca.validUntil() + ", chain of 1, trust bundle of 1]");
  }

  @Test
  void load_whenTheChainFileAlsoHoldsTheRoot_leavesTheAnchorOutOfServedChains() throws Exception {
    Path chain = pki.writeCertificates("chain-with-root.pem",
        List.of(pki.intermediate(), pki.root()));
    CertificateAuthority ca = load(chain, pki.keyFile(), List.of(pki.bundleFile()));

    IssuedCertificate issued = ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()),
        "spiffe://paymesh.local/ns/a/sa/b", Duration.ofHours(1));

    assertThat(issued.chain()).hasSize(2).endsWith(pki.intermediate());
  }

  @Test
  void load_bundleOfSeveralFilesAndCertificates_trustsThemAll() throws Exception {
    TestPki next = TestPki.create(dir.resolve("next"), "next", NOW);
    TestPki third = TestPki.create(dir.resolve("third"), "third", NOW);
    Path both = pki.writeCertificates("both.pem", List.of(next.root(), pki.root()));

    CertificateAuthority ca = load(pki.signingChainFile(), pki.keyFile(),
        List.of(both, third.bundleFile()));

    assertThat(ca.trustBundle()).containsExactly(next.root(), pki.root(), third.root());
  }

  @Test
  void load_ofAnRsaIntermediate_signsWithRsa() throws Exception {
    KeyPair rsa = Csrs.rsa2048();
    X509Certificate rsaCa = TestPki.certificate(pki.root(), pki.rootKey(), rsa.getPublic(),
        new X500Name("CN=rsa workload CA"), List.of(), NOW.minusSeconds(60),
        NOW.plus(Duration.ofDays(30)), true);
    Path chain = pki.writeCertificates("rsa-ca.pem", List.of(rsaCa));
    Path key = pki.writeKey("rsa-ca-key.pem", rsa.getPrivate());

    CertificateAuthority ca = load(chain, key, List.of(pki.bundleFile()));
    IssuedCertificate issued = ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()),
        "spiffe://paymesh.local/ns/a/sa/b", Duration.ofHours(1));

    assertThat(issued.leaf().getSigAlgName()).isEqualTo("SHA256withRSA");
    issued.leaf().verify(rsa.getPublic());
  }

  @Test
  void load_ofAnOpensslStyleSec1KeyWithEcParameters_works() throws Exception {
    // What `openssl ecparam -name prime256v1 -genkey` writes: EC PARAMETERS, then a SEC1 key
    // that carries its curve.
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(pki.intermediateKey().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
    ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(),
        pkcs8.getPrivateKeyAlgorithm().getParameters());
    java.io.StringWriter sec1 = new java.io.StringWriter();
    try (PemWriter writer = new PemWriter(sec1)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
    }
    Path key = pki.write("sec1.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
        + "-----END EC PARAMETERS-----\n" + sec1);

    assertThat(load(pki.signingChainFile(), key, List.of(pki.bundleFile()))
        .signingCertificate()).isEqualTo(pki.intermediate());
  }

  @Test
  void load_missingFile_isNamed() {
    Path missing = dir.resolve("nope.pem");

    assertThat(loadError(missing, pki.keyFile(), List.of(pki.bundleFile())))
        .isEqualTo(missing + ": no such file");
    assertThat(loadError(pki.signingChainFile(), pki.keyFile(), List.of()))
        .isEqualTo("trust bundle: at least one PEM file is required");
  }

  @Test
  void load_fileWithoutCertificates_isNamed() {
    Path empty = pki.write("empty.pem", "not a certificate\n");
    Path keyAsChain = pki.keyFile();

    assertThat(loadError(empty, pki.keyFile(), List.of(pki.bundleFile())))
        .isEqualTo(empty + ": no PEM CERTIFICATE block");
    assertThat(loadError(pki.signingChainFile(), pki.keyFile(), List.of(keyAsChain)))
        .isEqualTo(keyAsChain + ": block 1 is not a CERTIFICATE (a private key)");
  }

  @Test
  void load_keyFileHoldingACertificate_isNamed() {
    assertThat(loadError(pki.signingChainFile(), pki.signingChainFile(),
        List.of(pki.bundleFile())))
        .isEqualTo(pki.signingChainFile() + ": expected a PRIVATE KEY, EC PRIVATE KEY or RSA "
            + "PRIVATE KEY block, found a CERTIFICATE");
  }

  @Test
  void load_keyOfAnotherCertificate_isRefused_withoutPrintingTheKey() throws Exception {
    KeyPair other = Certificates.newP256KeyPair();
    Path key = pki.writeKey("other-key.pem", other.getPrivate());
    String keyPem = Pem.privateKeyToPem(other.getPrivate());

    String error = loadError(pki.signingChainFile(), key, List.of(pki.bundleFile()));

    assertThat(error).isEqualTo(key + ": the private key (EC) does not match certificate 1 of "
        + pki.signingChainFile() + " (CN=mesh workload CA,O=paymesh test, EC)");
    assertThat(error).doesNotContain(keyPem.split("\n")[1].substring(0, 20));
  }

  @Test
  void load_rsaKeyForAnEcCertificate_isRefused() {
    Path key = pki.writeKey("rsa.pem", Csrs.rsa2048().getPrivate());

    assertThat(loadError(pki.signingChainFile(), key, List.of(pki.bundleFile())))
        .isEqualTo(key + ": the private key (RSA) does not match certificate 1 of "
            + pki.signingChainFile() + " (CN=mesh workload CA,O=paymesh test, EC)");
  }

  @Test
  void load_encryptedKey_isRefused() throws Exception {
    var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
        .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build();
    java.io.StringWriter out = new java.io.StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(pki.intermediateKey(), encryptor));
    }
    Path key = pki.write("encrypted.pem", out.toString());

    assertThat(loadError(pki.signingChainFile(), key, List.of(pki.bundleFile())))
        .isEqualTo(key + ": the private key is encrypted; give it unencrypted, readable only by "
            + "the xds-server (mode 0600)");
  }

  @Test
  void load_nonCaCertificateAsSigningCertificate_isRefused() {
    KeyPair keys = Certificates.newP256KeyPair();
    X509Certificate leaf = TestPki.certificate(pki.intermediate(), pki.intermediateKey(),
        keys.getPublic(), new X500Name("CN=not a CA"), List.of(), NOW.minusSeconds(60),
        NOW.plusSeconds(3600), false);
    Path chain = pki.writeCertificates("leaf.pem", List.of(leaf, pki.intermediate()));
    Path key = pki.writeKey("leaf-key.pem", keys.getPrivate());

    assertThat(loadError(chain, key, List.of(pki.bundleFile())))
        .isEqualTo(chain + ": certificate 1 (CN=not a CA) is not a CA certificate "
            + "(basicConstraints CA:TRUE missing)");
  }

  @Test
  void load_caWithoutKeyCertSign_isRefused() {
    KeyPair keys = Certificates.newP256KeyPair();
    X509Certificate ca = TestPki.certificate(pki.root(), pki.rootKey(), keys.getPublic(),
        new X500Name("CN=no keyCertSign"), List.of(), NOW.minusSeconds(60), NOW.plusSeconds(3600),
        true, KeyUsage.digitalSignature);
    Path chain = pki.writeCertificates("no-sign.pem", List.of(ca));
    Path key = pki.writeKey("no-sign-key.pem", keys.getPrivate());

    assertThat(loadError(chain, key, List.of(pki.bundleFile())))
        .isEqualTo(chain + ": certificate 1 (CN=no keyCertSign) may not sign certificates "
            + "(keyUsage keyCertSign missing)");
  }

  @Test
  void load_chainNotLeadingToTheBundle_isRefused() {
    TestPki unrelated = TestPki.create(dir.resolve("unrelated"), "unrelated", NOW);

    assertThat(loadError(pki.signingChainFile(), pki.keyFile(),
        List.of(unrelated.bundleFile())))
        .startsWith(pki.signingChainFile() + ": the signing chain (CN=mesh workload CA,O=paymesh "
            + "test) does not lead to a certificate of the trust bundle ("
            + unrelated.bundleFile() + "): ");
  }

  @Test
  void load_chainInTheWrongOrder_isRefused() {
    Path chain = pki.writeCertificates("reversed.pem", List.of(pki.root(), pki.intermediate()));
    Path rootKey = pki.writeKey("root-key.pem", pki.rootKey());

    assertThat(loadError(chain, rootKey, List.of(pki.bundleFile())))
        .isEqualTo(chain + ": certificate 2 (CN=mesh workload CA,O=paymesh test) did not issue "
            + "certificate 1 (CN=mesh root,O=paymesh test); list the signing CA certificate "
            + "first, then each issuer in order");
  }

  @Test
  void load_expiredCa_isRefused() {
    TestPki old = TestPki.create(dir.resolve("old"), "old", NOW.minus(Duration.ofDays(400)));

    assertThat(loadError(old.signingChainFile(), old.keyFile(), List.of(old.bundleFile())))
        .isEqualTo(old.bundleFile() + ": certificate 1 (CN=old root,O=paymesh test) expired at "
            + old.root().getNotAfter().toInstant());
    assertThat(loadError(old.signingChainFile(), old.keyFile(), List.of(pki.bundleFile())))
        .isEqualTo(old.signingChainFile() + ": certificate 1 (CN=old workload CA,O=paymesh test) "
            + "expired at " + old.intermediate().getNotAfter().toInstant());
  }

  @Test
  void load_caNotYetValid_isRefused() {
    TestPki future = TestPki.create(dir.resolve("future"), "future", NOW.plus(Duration.ofDays(2)));

    assertThatThrownBy(() -> load(future.signingChainFile(), future.keyFile(),
        List.of(pki.bundleFile(), future.bundleFile())))
        .isInstanceOf(InvalidCaException.class)
        .hasMessageContaining("is not valid before");
  }

  @Test
  void load_bundleHoldingALeafCertificate_isRefused() {
    X509Certificate leaf = pki.issue("spiffe://paymesh.local/ns/a/sa/b", NOW).leaf();
    Path bundle = pki.writeCertificates("leaf-bundle.pem", List.of(pki.root(), leaf));

    assertThat(loadError(pki.signingChainFile(), pki.keyFile(), List.of(bundle)))
        .isEqualTo(bundle + ": certificate 2 (O=paymesh test) is not a CA certificate "
            + "(basicConstraints CA:TRUE missing)");
  }
}
