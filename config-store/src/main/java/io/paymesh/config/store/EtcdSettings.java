package io.paymesh.config.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where the policy store lives and how to reach it: the etcd client URLs, the key prefix under
 * which paymesh keeps policy, endpoints, status and audit, and optionally TLS (with a client
 * certificate) and an etcd user. Shared by the xds-server, the admin API and the loader, which
 * all build their client with {@link #newClient()}.
 *
 * <p>These settings hold no secret: the password stays in its file or environment variable
 * until a client is built, so printing a config never shows it.
 *
 * @param endpoints client URLs, all {@code http://} or all {@code https://} (then {@code tls} is
 *     required), e.g. {@code http://127.0.0.1:2379}
 * @param prefix key prefix, starting and ending with {@code /}, default {@link #DEFAULT_PREFIX}
 * @param tls TLS settings; {@code null} for plaintext
 * @param auth the etcd user and its password's source; {@code null} when etcd runs without
 *     authentication, or authenticates this client by its certificate's common name
 */
public record EtcdSettings(List<String> endpoints, String prefix, EtcdTls tls, EtcdAuth auth) {
  public static final String DEFAULT_PREFIX = "/paymesh/";
  private static final String HTTP = "http";
  private static final String HTTPS = "https";

  /** The settings that can be wrong, by their path in the {@code etcd:} block of a config. */
  public enum Field {
    ENDPOINTS("endpoints"),
    PREFIX("prefix"),
    TLS_CA("tls.ca"),
    TLS_CERTIFICATE("tls.certificate"),
    TLS_KEY("tls.key"),
    TLS_AUTHORITY("tls.authority"),
    AUTH_USER("auth.user"),
    AUTH_PASSWORD_FILE("auth.passwordFile"),
    AUTH_PASSWORD_ENV("auth.passwordEnv");

    private final String path;

    Field(String path) {
      this.path = path;
    }

    /** The path under the {@code etcd:} block, e.g. {@code tls.key}. */
    public String path() {
      return path;
    }
  }

  /** One problem with these settings; the message never contains a secret. */
  public record Problem(Field field, String message) {
    /** {@code <block>.<field>: <message>}, e.g. {@code etcd.tls.key: /x.pem: no such file}. */
    public String at(String block) {
      return block + "." + field.path() + ": " + message;
    }
  }

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is required");
    }
    KeyLayout.requireValidPrefix(prefix);
  }

  /** Plaintext, no authentication: a local etcd. */
  public EtcdSettings(List<String> endpoints, String prefix) {
    this(endpoints, prefix, null, null);
  }

  public static EtcdSettings of(String endpoint) {
    return new EtcdSettings(List.of(endpoint), DEFAULT_PREFIX);
  }

  public EtcdSettings withTls(EtcdTls newTls) {
    return new EtcdSettings(endpoints, prefix, newTls, auth);
  }

  public EtcdSettings withAuth(EtcdAuth newAuth) {
    return new EtcdSettings(endpoints, prefix, tls, newAuth);
  }

  public KeyLayout keys() {
    return new KeyLayout(prefix);
  }

  /**
   * Every problem, with the files and the password's source read to find them: a missing or
   * unreadable file, a key that is not PKCS#8 or not the certificate's, a certificate without
   * its key, https endpoints without a CA (or tls with http endpoints), a user without a password.
   */
  public List<Problem> problems() {
    return problems(System::getenv);
  }

  List<Problem> problems(Function<String, String> env) {
    List<Problem> problems = new ArrayList<>();
    checkEndpoints(problems);
    if (tls != null) {
      tls.check((field, message) -> problems.add(new Problem(field, message)));
    }
    if (auth != null) {
      auth.check(env, (field, message) -> problems.add(new Problem(field, message)));
    }
    return problems;
  }

  private void checkEndpoints(List<Problem> problems) {
    List<String> schemes = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      String scheme = scheme(endpoints.get(i));
      if (!scheme.equals(HTTP) && !scheme.equals(HTTPS)) {
        problems.add(new Problem(Field.ENDPOINTS, "[" + i + "] must be an http:// or https:// URL"
            + " like https://etcd-1:2379, got " + endpoints.get(i)));
      } else if (!schemes.contains(scheme)) {
        schemes.add(scheme);
      }
    }
    if (schemes.size() > 1) {
      problems.add(new Problem(Field.ENDPOINTS, "mixes http:// and https://; use one of them"));
    } else if (schemes.equals(List.of(HTTPS)) && tls == null) {
      problems.add(new Problem(Field.TLS_CA,
          "required for https:// endpoints: the PEM file of the CA that signed etcd's"
              + " certificate (a tls: block with at least ca)"));
    } else if (schemes.equals(List.of(HTTP)) && tls != null) {
      problems.add(new Problem(Field.ENDPOINTS,
          "are http:// but tls is set: use https:// URLs, or remove tls"));
    }
  }

  private static String scheme(String endpoint) {
    try {
      String scheme = URI.create(endpoint).getScheme();
      return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /**
   * A new client for these settings; the caller owns (and closes) it.
   *
   * @throws IllegalArgumentException listing every {@link #problems()}, each under {@code etcd.}
   */
  public Client newClient() {
    return newClient(System::getenv);
  }

  Client newClient(Function<String, String> env) {
    List<Problem> problems = problems(env);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.stream().map(p -> p.at("etcd"))
          .collect(Collectors.joining("; ")));
    }
    ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(String[]::new));
    if (tls != null) {
      builder.sslContext(tls.sslContext());
      if (tls.authority() != null) {
        builder.authority(tls.authority());
      }
    }
    if (auth != null) {
      byte[] password = auth.readPassword(env);
      try {
        builder.user(ByteSequence.from(auth.user(), StandardCharsets.UTF_8))
            .password(ByteSequence.from(password));
      } finally {
        // ByteSequence copied it; this copy need not outlive the builder call.
        Arrays.fill(password, (byte) 0);
      }
    }
    return builder.build();
  }

  /** For logs: the endpoints and how the client authenticates; never a secret. */
  public String describe() {
    String transport = tls == null ? "plaintext"
        : tls.hasClientCertificate() ? "TLS with client certificate" : "TLS";
    return endpoints + " (" + transport + (auth == null ? "" : ", user " + auth.user()) + ")";
  }
}
