package io.paymesh.config.tools;

import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.EtcdAuth;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.EtcdTls;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.PolicyStoreException;
import io.paymesh.config.validation.PolicyValidationException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Command-line bootstrap of a policy store: decodes every policy file given (YAML or JSON, files or
 * directories), and only if all of them are valid writes them to etcd: in one transaction when
 * they fit in one ({@link PolicyRepository#MAX_CHANGES_PER_COMMIT} documents), otherwise in
 * dependency-ordered steps (see {@link LoadSteps}).
 *
 * <pre>PolicyLoader --etcd http://127.0.0.1:2379 [--prefix /paymesh/] file-or-dir...</pre>
 *
 * <p>Against etcd over TLS, with a client certificate and an etcd user (docs/security.md): {@code
 * --etcd https://etcd-1:2379 --etcd-ca ca.pem --etcd-cert loader.pem --etcd-key loader-key.pem
 * --etcd-user paymesh-loader --etcd-password-file FILE} (or {@code --etcd-password-env VAR}; a
 * password is never taken on the command line, where {@code ps} would show it).
 */
public final class PolicyLoader {
  public static final int EXIT_OK = 0;
  public static final int EXIT_STORE_FAILED = 1;
  public static final int EXIT_INVALID = 2;
  public static final int EXIT_USAGE = 64;
  static final String USAGE =
      "usage: PolicyLoader --etcd http://127.0.0.1:2379 [--prefix /paymesh/]"
          + " [--etcd-ca PEM [--etcd-cert PEM --etcd-key PKCS8-PEM] [--etcd-authority NAME]]"
          + " [--etcd-user USER (--etcd-password-file FILE | --etcd-password-env VAR)]"
          + " file-or-dir...";
  private static final String ETCD_FLAG = "--etcd";
  private static final String PREFIX_FLAG = "--prefix";
  private static final List<String> YAML_SUFFIXES = List.of(".yaml", ".yml");
  private static final String JSON_SUFFIX = ".json";

  private final PrintStream out;
  private final PrintStream err;
  private final PolicyCodec codec = new PolicyCodec();

  PolicyLoader(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new PolicyLoader(System.out, System.err).run(args));
  }

  /** Runs the loader; returns the process exit code. */
  int run(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      out.println("Validates every policy file (a directory: every *.yaml, *.yml and *.json"
          + " below it) and, only if all are valid, writes them to etcd in one transaction"
          + " (above " + PolicyRepository.MAX_CHANGES_PER_COMMIT + " documents, in"
          + " dependency-ordered steps). Exit codes: 0 written, 1 etcd failed, 2 invalid"
          + " documents, 64 usage.");
      return EXIT_OK;
    }
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    }
    List<Path> files;
    try {
      files = policyFiles(arguments.paths());
    } catch (IOException e) {
      err.println("cannot read " + e.getMessage());
      return EXIT_USAGE;
    }
    if (files.isEmpty()) {
      err.println("no *.yaml, *.yml or *.json files in " + arguments.paths());
      return EXIT_USAGE;
    }
    List<PolicyResource> resources = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      try {
        resources.addAll(decode(file));
      } catch (PolicyValidationException e) {
        e.errors().forEach(error -> problems.add(file + ": " + error));
      } catch (IOException e) {
        problems.add(file + ": cannot read: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.println("nothing written: " + problems.size() + " error(s)");
      return EXIT_INVALID;
    }
    return write(arguments.settings(), resources);
  }

  private int write(EtcdSettings settings, List<PolicyResource> resources) {
    List<List<PolicyResource>> steps;
    try {
      steps = LoadSteps.of(resources);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("nothing written");
      return EXIT_INVALID;
    }
    if (steps.size() > 1) {
      out.println(resources.size() + " documents are more than one etcd transaction holds ("
          + PolicyRepository.MAX_CHANGES_PER_COMMIT + "): writing them in " + steps.size()
          + " steps, in the order " + LoadSteps.describeOrder());
    }
    int written = 0;
    long revision = 0;
    try (Client client = settings.newClient()) {
      PolicyRepository repository = new PolicyRepository(client, settings.prefix(), codec);
      for (List<PolicyResource> step : steps) {
        revision = repository.putAll(step);
        for (PolicyResource resource : step) {
          out.println("wrote " + repository.keys().policyKey(resource.key()) + " ("
              + resource.key() + ")");
        }
        written += step.size();
      }
      out.println(resources.size() + " document(s) written at revision " + revision
          + (steps.size() > 1 ? " in " + steps.size() + " steps" : ""));
      return EXIT_OK;
    } catch (PolicyValidationException e) {
      // e.g. a document the store refuses; paths are already qualified by Kind/name.
      e.errors().forEach(error -> err.println(error));
      err.println(notWritten(written, resources.size(), revision) + ": " + e.errors().size()
          + " error(s)");
      return EXIT_INVALID;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(notWritten(written, resources.size(), revision));
      return EXIT_INVALID;
    } catch (PolicyStoreException e) {
      err.println("etcd at " + settings.describe() + ": " + e.getMessage());
      err.println(notWritten(written, resources.size(), revision));
      return EXIT_STORE_FAILED;
    }
  }

  /** What a failed load left behind: nothing, or the steps before the one that failed. */
  private static String notWritten(int written, int total, long revision) {
    if (written == 0) {
      return "nothing written";
    }
    return written + " of " + total + " document(s) were written (up to revision " + revision
        + ") before a step failed; loading the same files again is safe: it writes every "
        + "document again";
  }

  private List<PolicyResource> decode(Path file) throws IOException, PolicyValidationException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (fileName(file).endsWith(JSON_SUFFIX)) {
      return List.of(codec.decode(text));
    }
    return codec.decodeAll(text);
  }

  /** The given files, plus the policy files in the given directories (recursively, sorted). */
  private static List<Path> policyFiles(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile).filter(PolicyLoader::isPolicyFile).sorted()
              .forEach(files::add);
        }
      } else if (Files.isRegularFile(path)) {
        files.add(path);
      } else {
        throw new IOException(path + ": no such file or directory");
      }
    }
    return files;
  }

  private static boolean isPolicyFile(Path file) {
    String name = fileName(file);
    return name.endsWith(JSON_SUFFIX) || YAML_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  private static String fileName(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT);
  }

  /** Parsed command line. */
  record Arguments(EtcdSettings settings, List<Path> paths) {
    /** Each etcd setting's flag; the settings' problems are reported under these names. */
    private static final Map<String, EtcdSettings.Field> ETCD_FLAGS = Map.of(
        "--etcd-ca", EtcdSettings.Field.TLS_CA,
        "--etcd-cert", EtcdSettings.Field.TLS_CERTIFICATE,
        "--etcd-key", EtcdSettings.Field.TLS_KEY,
        "--etcd-authority", EtcdSettings.Field.TLS_AUTHORITY,
        "--etcd-user", EtcdSettings.Field.AUTH_USER,
        "--etcd-password-file", EtcdSettings.Field.AUTH_PASSWORD_FILE,
        "--etcd-password-env", EtcdSettings.Field.AUTH_PASSWORD_ENV);

    static Arguments parse(String[] args) {
      String etcd = null;
      String prefix = EtcdSettings.DEFAULT_PREFIX;
      Map<EtcdSettings.Field, String> values = new EnumMap<>(EtcdSettings.Field.class);
      List<Path> paths = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        boolean takesValue = arg.equals(ETCD_FLAG) || arg.equals(PREFIX_FLAG)
            || ETCD_FLAGS.containsKey(arg);
        if (takesValue) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          String value = args[++i];
          if (arg.equals(ETCD_FLAG)) {
            etcd = value;
          } else if (arg.equals(PREFIX_FLAG)) {
            prefix = value;
          } else {
            values.put(ETCD_FLAGS.get(arg), value);
          }
        } else if (arg.startsWith("--")) {
          throw new IllegalArgumentException("unknown option " + arg);
        } else {
          paths.add(Path.of(arg));
        }
      }
      if (etcd == null) {
        throw new IllegalArgumentException(ETCD_FLAG + " is required");
      }
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("no policy files given");
      }
      EtcdSettings settings = new EtcdSettings(List.of(etcd.split(",")), prefix)
          .withTls(tls(values))
          .withAuth(auth(values));
      List<String> problems = settings.problems().stream()
          .map(p -> flagOf(p.field()) + ": " + p.message()).toList();
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", problems));
      }
      return new Arguments(settings, List.copyOf(paths));
    }

    private static EtcdTls tls(Map<EtcdSettings.Field, String> values) {
      boolean any = values.containsKey(EtcdSettings.Field.TLS_CA)
          || values.containsKey(EtcdSettings.Field.TLS_CERTIFICATE)
          || values.containsKey(EtcdSettings.Field.TLS_KEY)
          || values.containsKey(EtcdSettings.Field.TLS_AUTHORITY);
      return any ? new EtcdTls(values.get(EtcdSettings.Field.TLS_CA),
          values.get(EtcdSettings.Field.TLS_CERTIFICATE), values.get(EtcdSettings.Field.TLS_KEY),
          values.get(EtcdSettings.Field.TLS_AUTHORITY)) : null;
    }

    private static EtcdAuth auth(Map<EtcdSettings.Field, String> values) {
      boolean any = values.containsKey(EtcdSettings.Field.AUTH_USER)
          || values.containsKey(EtcdSettings.Field.AUTH_PASSWORD_FILE)
          || values.containsKey(EtcdSettings.Field.AUTH_PASSWORD_ENV);
      return any ? new EtcdAuth(values.get(EtcdSettings.Field.AUTH_USER),
          values.get(EtcdSettings.Field.AUTH_PASSWORD_FILE),
          values.get(EtcdSettings.Field.AUTH_PASSWORD_ENV)) : null;
    }

    private static String flagOf(EtcdSettings.Field field) {
      return switch (field) {
        case ENDPOINTS -> ETCD_FLAG;
        case PREFIX -> PREFIX_FLAG;
        default -> ETCD_FLAGS.entrySet().stream().filter(e -> e.getValue() == field)
            .map(Map.Entry::getKey).findFirst().orElseThrow();
      };
    }
  }
}
