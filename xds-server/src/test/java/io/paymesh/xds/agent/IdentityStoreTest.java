package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.testing.TestPki;
import io.paymesh.xds.translate.XdsNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity directory on disk: the Kubernetes AtomicWriter layout, file modes, cleanup of old
 * generations, reading back, and that a concurrent reader never gets a key and a certificate
 * from two different writes.
 */
class IdentityStoreTest {
  @TempDir
  Path tmp;

  private TestPki pki;

  @BeforeEach
  void setUp() {
    pki = TestPki.create(tmp.resolve("pki"), "store-test", Instant.now());
  }

  private IdentityStore store(Path dir) {
    return new IdentityStore(dir, Clock.systemUTC());
  }

  @Test
  void write_linksStableNamesThroughDataToOneHiddenGeneration() throws Exception {
    Path dir = tmp.resolve("identity");
    store(dir).write(AgentTestBed.identity(pki, Duration.ofHours(1)));

    Path data = dir.resolve("..data");
    assertThat(Files.isSymbolicLink(data)).isTrue();
    String generation = Files.readSymbolicLink(data).toString();
    assertThat(generation).matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d{9}\\.\\d+");
    for (String name : List.of(XdsNames.IDENTITY_CERT_FILE, XdsNames.IDENTITY_KEY_FILE,
        XdsNames.IDENTITY_BUNDLE_FILE, "sds")) {
      assertThat(Files.readSymbolicLink(dir.resolve(name))).isEqualTo(Path.of("..data", name));
    }
    assertThat(dir.resolve(XdsNames.SDS_CERTIFICATE_FILE)).isRegularFile();
    assertThat(dir.resolve(XdsNames.SDS_TRUST_BUNDLE_FILE)).isRegularFile();
    try (Stream<Path> entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("..data", generation, "cert.pem", "key.pem", "bundle.pem", "sds");
    }
  }

  @Test
  void modes_keyIsOwnerOnly_directoriesHaveNoWorldAccess() throws Exception {
    Path dir = tmp.resolve("identity");
    store(dir).write(AgentTestBed.identity(pki, Duration.ofHours(1)));
    Path data = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));

    assertThat(mode(dir)).isEqualTo("rwxr-x---");
    assertThat(mode(data)).isEqualTo("rwxr-x---");
    assertThat(mode(data.resolve("sds"))).isEqualTo("rwxr-x---");
    assertThat(mode(data.resolve(XdsNames.IDENTITY_KEY_FILE))).isEqualTo("rw-------");
    assertThat(mode(data.resolve(XdsNames.IDENTITY_CERT_FILE))).isEqualTo("rw-r--r--");
    assertThat(mode(data.resolve(XdsNames.IDENTITY_BUNDLE_FILE))).isEqualTo("rw-r--r--");
    assertThat(mode(data.resolve(XdsNames.SDS_CERTIFICATE_FILE))).isEqualTo("rw-r--r--");
    assertThat(mode(data.resolve(XdsNames.SDS_TRUST_BUNDLE_FILE))).isEqualTo("rw-r--r--");
  }

  @Test
  void rewrite_replacesTheGeneration_andRemovesTheOldOneAndCrashLeftovers() throws Exception {
    Path dir = tmp.resolve("identity");
    IdentityStore store = store(dir);
    store.write(AgentTestBed.identity(pki, Duration.ofHours(1)));
    Path first = Files.readSymbolicLink(dir.resolve("..data"));
    // What a writer killed before its switch leaves: a complete-looking generation never linked.
    Path crashed = Files.createDirectory(dir.resolve("..2020_01_01_00_00_00.000000000.42"));
    Files.writeString(crashed.resolve("cert.pem"), "half");
    Files.createDirectory(dir.resolve("..unrelated"));

    WorkloadIdentity second = AgentTestBed.identity(pki, Duration.ofHours(2));
    store.write(second);

    Path now = Files.readSymbolicLink(dir.resolve("..data"));
    assertThat(now).isNotEqualTo(first);
    assertThat(dir.resolve(first)).doesNotExist();
    assertThat(crashed).doesNotExist();
    assertThat(dir.resolve("..unrelated")).isDirectory(); // not of our making: left alone
    assertThat(IdentityFiles.certificate(dir)).isEqualTo(second.leaf());
  }

  @Test
  void read_returnsWhatWasWritten() throws Exception {
    Path dir = tmp.resolve("identity");
    assertThat(store(dir).read()).isEmpty();
    WorkloadIdentity written = AgentTestBed.identity(pki, Duration.ofHours(1));
    store(dir).write(written);

    WorkloadIdentity read = store(dir).read().orElseThrow();
    assertThat(read.chain()).isEqualTo(written.chain());
    assertThat(read.trustBundle()).containsExactly(pki.root());
    assertThat(read.privateKey().getEncoded()).isEqualTo(written.privateKey().getEncoded());
  }

  @Test
  void read_refusesAKeyThatIsNotTheCertificates() throws Exception {
    Path dir = tmp.resolve("identity");
    store(dir).write(AgentTestBed.identity(pki, Duration.ofHours(1)));
    Path data = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));
    Files.writeString(data.resolve(XdsNames.IDENTITY_KEY_FILE),
        Pem.privateKeyToPem(Certificates.newP256KeyPair().getPrivate()));

    assertThatThrownBy(() -> store(dir).read())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("key.pem does not belong to cert.pem")
        .hasMessageNotContaining("PRIVATE KEY");
  }

  @Test
  void concurrentReader_neverSeesACertificateWithAnotherWritesKey() throws Exception {
    Path dir = tmp.resolve("identity");
    IdentityStore store = store(dir);
    store.write(AgentTestBed.identity(pki, Duration.ofHours(1)));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger pairs = new AtomicInteger();
    AtomicReference<String> mismatch = new AtomicReference<>();
    Set<String> seen = new HashSet<>();
    Thread reader = new Thread(() -> {
      try {
        while (writing.get()) {
          Optional<IdentityFiles.Pair> pair = IdentityFiles.readPair(dir);
          if (pair.isPresent()) {
            pairs.incrementAndGet();
            seen.add(pair.get().certPem());
            if (!pair.get().keyMatchesCertificate()) {
              mismatch.set("serial " + pair.get().leaf().getSerialNumber());
            }
          }
        }
      } catch (Exception e) {
        mismatch.compareAndSet(null, e.toString());
      }
    }, "identity-reader");
    reader.start();
    for (int i = 0; i < 200; i++) {
      store.write(AgentTestBed.identity(pki, Duration.ofHours(1)));
    }
    writing.set(false);
    reader.join();

    assertThat(mismatch.get()).isNull();
    assertThat(pairs.get()).isGreaterThan(50);
    assertThat(seen).hasSizeGreaterThan(10); // the reader really ran across many writes
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
