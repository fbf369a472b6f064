package io.paymesh.xds.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * PEM files and texts of the CA and of workloads, through BouncyCastle: certificates in, private
 * keys in (PKCS#8, SEC1 EC, PKCS#1 RSA; unencrypted; a workload's only PKCS#8), both out. Errors
 * name the file (or the text's source) and never quote its content, since a key file's content is
 * the secret.
 */
public final class Pem {
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");

  private Pem() {}

  /** Every CERTIFICATE block of the file, in order; other blocks are not allowed. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    return parseCertificates(file.toString(), read(file));
  }

  /**
   * Every CERTIFICATE block of PEM text, in order: at least one, and nothing else. {@code source}
   * names the text in errors (a file, a field of a response).
   */
  public static List<X509Certificate> parseCertificates(String source, String pem)
      throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object block;
      while ((block = nextBlock(parser, source)) != null) {
        if (!(block instanceof X509CertificateHolder holder)) {
          throw new IOException(source + ": block " + (certificates.size() + 1)
              + " is not a CERTIFICATE (" + blockKind(block) + ")");
        }
        certificates.add(toX509(holder, source));
      }
    }
    if (certificates.isEmpty()) {
      throw new IOException(source + ": no PEM CERTIFICATE block");
    }
    return List.copyOf(certificates);
  }

  /**
   * The one private key of the file. EC PARAMETERS blocks (as {@code openssl ecparam -genkey}
   * writes them) are skipped; anything else, an encrypted key or a second key is refused.
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    String source = file.toString();
    PrivateKeyInfo found = null;
    try (PEMParser parser = new PEMParser(new StringReader(read(file)))) {
      Object block;
      while ((block = nextBlock(parser, source)) != null) {
        PrivateKeyInfo info;
        if (block instanceof PrivateKeyInfo pkcs8) {
          info = pkcs8;
        } else if (block instanceof PEMKeyPair pair) {
          info = pair.getPrivateKeyInfo();
        } else if (block instanceof PEMEncryptedKeyPair
            || block instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IOException(source + ": the private key is encrypted; give it unencrypted, "
              + "readable only by the xds-server (mode 0600)");
        } else if (block instanceof ASN1ObjectIdentifier || block instanceof X9ECParameters) {
          // EC PARAMETERS: the curve is also inside the key.
          continue;
        } else {
          throw new IOException(source + ": expected a PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE "
              + "KEY block, found " + blockKind(block));
        }
        if (found != null) {
          throw new IOException(source + ": more than one private key");
        }
        found = info;
      }
    }
    if (found == null) {
      throw new IOException(source + ": no PEM private key block");
    }
    return toPrivateKey(found, source);
  }

  /**
   * The key of PEM text that holds one PKCS#8 private key ({@code BEGIN PRIVATE KEY}) and nothing
   * else: the form {@link #privateKeyToPem} writes, and the only one grpc-java's file watcher and
   * Netty read, so a workload key in any other form is refused rather than passed on to them.
   * {@code source} names the text in errors, which never quote it.
   */
  public static PrivateKey parsePkcs8PrivateKey(String source, String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (nextBlock(parser, source) instanceof PrivateKeyInfo info
          && nextBlock(parser, source) == null) {
        return toPrivateKey(info, source);
      }
    }
    // Not "PRIVATE KEY" in the message: a log line with that in it reads as a leaked key.
    throw new IOException(source + ": expected exactly one PKCS#8 private key and nothing else");
  }

  public static String certificatesToPem(List<X509Certificate> certificates) {
    return write(certificates);
  }

  /** PKCS#8 PEM ({@code PRIVATE KEY}). The result is the secret: never log it. */
  public static String privateKeyToPem(PrivateKey key) {
    try {
      // JcaPEMWriter alone would write SEC1/PKCS#1; gRPC and Envoy want PKCS#8.
      return write(List.of(new JcaPKCS8Generator(key, null).generate()));
    } catch (PemGenerationException e) {
      throw new IllegalArgumentException("cannot encode the private key as PKCS#8 ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Writes a new file: fails if it exists. With {@code secret}, the file is created with mode
   * 0600 (on POSIX file systems) before anything is written to it.
   */
  public static void writeNew(Path file, String pem, boolean secret) throws IOException {
    if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    }
  }

  private static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (MalformedInputException e) {
      throw new IOException(file + ": not a PEM file (non-ASCII content)");
    }
  }

  private static Object nextBlock(PEMParser parser, String source) throws IOException {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      // Not passed on as the cause: the parser may quote what it could not read.
      throw new IOException(source + ": malformed PEM (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static PrivateKey toPrivateKey(PrivateKeyInfo info, String source) throws IOException {
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (PEMException | RuntimeException e) {
      // The converter's message may describe the key's content; only its type is passed on.
      throw new IOException(source + ": unsupported private key (" + e.getClass().getSimpleName()
          + "); expected EC or RSA");
    }
  }

  private static X509Certificate toX509(X509CertificateHolder holder, String source)
      throws IOException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException(source + ": unreadable certificate: " + e.getMessage(), e);
    }
  }

  private static String blockKind(Object block) {
    if (block instanceof PrivateKeyInfo || block instanceof PEMKeyPair
        || block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
      return "a private key";
    }
    if (block instanceof X509CertificateHolder) {
      return "a CERTIFICATE";
    }
    if (block instanceof PKCS10CertificationRequest) {
      return "a CERTIFICATE REQUEST";
    }
    return block.getClass().getSimpleName();
  }

  private static String write(List<?> objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PEM encoding in memory failed", e);
    }
    return out.toString();
  }
}
