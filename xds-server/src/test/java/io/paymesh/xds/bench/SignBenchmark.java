package io.paymesh.xds.bench;

import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.InvalidCaException;
import io.paymesh.xds.identity.InvalidCsrException;
import io.paymesh.xds.identity.IssuedCertificate;
import io.paymesh.xds.testing.Csrs;
import io.paymesh.xds.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Certificates per second of {@link CertificateAuthority#signWorkload} on one thread: parse the
 * PKCS#10 request, check its P-256 key, verify its signature, build and sign the X.509 SVID. The
 * CA key is a parameter: an EC P-256 intermediate (what {@code LocalCaMain} makes) or an RSA-2048
 * one (common in enterprise PKIs). Etcd and gRPC are not part of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms256m", "-Xmx256m", BenchJvm.LOGBACK})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SignBenchmark {
  private static final String SPIFFE_ID = "spiffe://paymesh.local/ns/payments/sa/checkout";

  @Param({"EC", "RSA"})
  public String caKey;

  private Path dir;
  private CertificateAuthority ca;
  private byte[] csr;

  @Setup
  public void setUp() throws IOException, InvalidCaException {
    dir = Files.createTempDirectory("paymesh-sign-bench-");
    Instant now = Instant.now();
    TestPki pki = TestPki.create(dir, "bench", now);
    Path chain = pki.signingChainFile();
    Path key = pki.keyFile();
    if ("RSA".equals(caKey)) {
      KeyPair rsa = Csrs.rsa2048();
      X509Certificate rsaCa = TestPki.certificate(pki.root(), pki.rootKey(), rsa.getPublic(),
          new X500Name("CN=bench RSA workload CA"), List.of(), now.minusSeconds(60),
          now.plus(Duration.ofDays(30)), true);
      chain = pki.writeCertificates("rsa-ca.pem", List.of(rsaCa));
      key = pki.writeKey("rsa-ca-key.pem", rsa.getPrivate());
    }
    ca = CertificateAuthority.load(chain, key, List.of(pki.bundleFile()), Clock.systemUTC());
    csr = Csrs.of(Certificates.newP256KeyPair());
  }

  @TearDown
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Benchmark
  public IssuedCertificate signWorkload() throws InvalidCsrException {
    return ca.signWorkload(csr, SPIFFE_ID, Duration.ofHours(24));
  }
}
