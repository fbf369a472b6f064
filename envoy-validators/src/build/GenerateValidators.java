import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build step of envoy-validators (run by exec-maven-plugin as a single-file Java program, before
 * compile): generates the protoc-gen-validate (PGV) validators of the Envoy API files paymesh
 * emits, and only those.
 *
 * <ol>
 *   <li>Reads the root .proto files from the roots file (one per line, {@code #} comments).
 *   <li>Follows their imports through the proto path to the full closure: every message type a
 *       root can reach by a field is defined in that closure.
 *   <li>Runs protoc with only the PGV plugin ({@code --validate_out=lang=java}) on the closure,
 *       minus google/protobuf (well-known types: their rules are written on the Envoy fields that
 *       use them) and validate/ (PGV's own annotations). No message classes are generated: they
 *       come from java-control-plane's api jar, whose .proto files these are.
 *   <li>Fixes two faults of PGV 0.6.13's Java output: javac refuses it without
 *       {@link #suffixLongSeconds}, and it compares unsigned integers as signed ones, fixed by
 *       {@link UnsignedComparisons}.
 * </ol>
 *
 * <p>Runs with the module's compile classpath ({@code -cp}): the unsigned fix reads field types
 * from the descriptors of the api jar's message classes.
 *
 * <p>Skips everything when the inputs (roots, closure files, tools, this program) hash to the
 * fingerprint of the last run, so an unchanged build does not recompile the validators.
 *
 * <p>Usage: {@code java GenerateValidators.java --program GenerateValidators.java --protoc EXE
 * --plugin EXE --roots FILE --out DIR --proto-path DIR [--proto-path DIR ...]}; {@code --program}
 * names this file, so that a change to it is part of the fingerprint.
 */
public final class GenerateValidators {
  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(?:public\\s+|weak\\s+)?\"([^\"]+)\"\\s*;", Pattern.MULTILINE);
  /** Closure files that get no validators of their own (see the class comment). */
  private static final List<String> NOT_GENERATED = List.of("google/protobuf/", "validate/");
  /**
   * PGV 0.6.13's Java template writes the seconds of a Duration or Timestamp bound as a plain int
   * literal. Envoy has bounds of 2^32 seconds (e.g. {@code DownstreamTlsContext.session_timeout}
   * and {@code HttpUri.timeout}: {@code lt: {seconds: 4294967296}}), which javac rejects as
   * "integer number too large". Both methods take the seconds as a long, so an L suffix on every
   * seconds literal changes no value.
   */
  private static final Pattern SECONDS_LITERAL =
      Pattern.compile("(TimestampValidation\\.to(?:Duration|Timestamp)\\()(-?\\d+)(,)");
  private static final String FINGERPRINT_FILE = ".fingerprint";

  private GenerateValidators() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    long start = System.nanoTime();
    List<String> roots = readRoots(options.roots());
    List<String> closure = closure(roots, options.protoPaths());
    List<String> generated =
        closure.stream().filter(f -> NOT_GENERATED.stream().noneMatch(f::startsWith)).toList();

    String fingerprint = fingerprint(options, closure);
    Path fingerprintFile = options.out().resolve(FINGERPRINT_FILE);
    if (Files.exists(fingerprintFile)
        && Files.readString(fingerprintFile).equals(fingerprint)) {
      System.out.println("[validators] up to date: " + generated.size() + " proto files");
      return;
    }

    deleteTree(options.out());
    Files.createDirectories(options.out());
    executable(options.protoc());
    executable(options.plugin());
    List<String> command = new ArrayList<>();
    command.add(options.protoc().toString());
    command.add("--plugin=protoc-gen-validate=" + options.plugin());
    command.add("--validate_out=lang=java:" + options.out());
    options.protoPaths().forEach(p -> command.add("--proto_path=" + p));
    command.addAll(generated);
    Process protoc = new ProcessBuilder(command).inheritIO().start();
    if (protoc.waitFor() != 0) {
      throw new IllegalStateException("protoc failed (exit " + protoc.exitValue() + ")");
    }

    List<Path> sources;
    try (Stream<Path> files = Files.walk(options.out())) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    UnsignedComparisons unsigned = UnsignedComparisons.of(rootDescriptors(roots, options));
    for (Path source : sources) {
      String code = Files.readString(source);
      String patched = unsigned.fix(suffixLongSeconds(code));
      if (!patched.equals(code)) {
        Files.writeString(source, patched);
      }
    }
    Files.writeString(fingerprintFile, fingerprint);
    System.out.printf(
        "[validators] %d roots -> %d proto files -> %d validator classes (%d unsigned"
            + " comparisons fixed) in %d ms%n",
        roots.size(), generated.size(), sources.size(), unsigned.fixed(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** See {@link #SECONDS_LITERAL}. */
  static String suffixLongSeconds(String code) {
    return SECONDS_LITERAL.matcher(code).replaceAll("$1$2L$3");
  }

  /**
   * The descriptors of the root files, from the api jar's generated classes (Envoy files name
   * their Java package and outer class); their dependencies reach the rest of the closure.
   */
  private static List<FileDescriptor> rootDescriptors(List<String> roots, Options options)
      throws Exception {
    List<FileDescriptor> descriptors = new ArrayList<>();
    for (String root : roots) {
      String text = Files.readString(find(root, options.protoPaths()).orElseThrow());
      String outerClass = option(text, "java_package", root) + "."
          + option(text, "java_outer_classname", root);
      descriptors.add(
          (FileDescriptor) Class.forName(outerClass).getMethod("getDescriptor").invoke(null));
    }
    return descriptors;
  }

  private static String option(String protoText, String name, String file) {
    Matcher m = Pattern.compile("option\\s+" + name + "\\s*=\\s*\"([^\"]+)\"").matcher(protoText);
    if (!m.find()) {
      throw new IllegalStateException(file + " has no option " + name);
    }
    return m.group(1);
  }

  private static List<String> readRoots(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(line -> line.replaceFirst("#.*", "").trim())
        .filter(line -> !line.isEmpty())
        .toList();
  }

  /** The roots and every file they import, directly or not, sorted. */
  private static List<String> closure(List<String> roots, List<Path> protoPaths)
      throws IOException {
    TreeSet<String> seen = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String file = todo.pop();
      if (!seen.add(file)) {
        continue;
      }
      Path path = find(file, protoPaths)
          .orElseThrow(() -> new IllegalStateException(file + " is not in " + protoPaths));
      Matcher imports = IMPORT.matcher(Files.readString(path));
      while (imports.find()) {
        todo.push(imports.group(1));
      }
    }
    return List.copyOf(seen);
  }

  /** Where protoc finds a file: the first proto path that has it. */
  private static Optional<Path> find(String file, List<Path> protoPaths) {
    return protoPaths.stream().map(p -> p.resolve(file)).filter(Files::isRegularFile).findFirst();
  }

  private static String fingerprint(Options options, List<String> closure)
      throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(Files.readAllBytes(options.program()));
    sha.update(Files.readAllBytes(options.roots()));
    sha.update(Files.readAllBytes(options.protoc()));
    sha.update(Files.readAllBytes(options.plugin()));
    for (String file : closure) {
      sha.update(file.getBytes(StandardCharsets.UTF_8));
      sha.update(Files.readAllBytes(find(file, options.protoPaths()).orElseThrow()));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** maven-dependency-plugin copies the executables without their executable bit. */
  private static void executable(Path file) {
    if (!Files.isExecutable(file) && !file.toFile().setExecutable(true)) {
      throw new IllegalStateException("cannot make " + file + " executable");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /**
   * PGV 0.6.13 compares every integer bound with {@code Comparator.naturalOrder()}, which is
   * signed. A uint32 of 2^31 or more is a negative int in Java, so {@code lte: 128} lets
   * 3000000000 pass and {@code gte: 1} refuses 3000000000, where Envoy compares them unsigned.
   * For comparisons of fields whose type is unsigned (uint32, uint64, fixed32, fixed64 and the
   * UInt32Value / UInt64Value wrappers) the comparator becomes {@code Integer::compareUnsigned} or
   * {@code Long::compareUnsigned}. The generated call names the field as its first argument.
   */
  static final class UnsignedComparisons {
    private static final Pattern COMPARISON = Pattern.compile(
        "(io\\.envoyproxy\\.pgv\\.ComparativeValidation\\.\\w+\\(\"\\.([\\w.]+)\",.*)"
            + "java\\.util\\.Comparator\\.naturalOrder\\(\\)(\\);)");
    private final Map<String, String> comparatorByField;
    private int fixed;

    private UnsignedComparisons(Map<String, String> comparatorByField) {
      this.comparatorByField = comparatorByField;
    }

    static UnsignedComparisons of(List<FileDescriptor> roots) {
      Map<String, String> comparators = new HashMap<>();
      Set<FileDescriptor> seen = new HashSet<>();
      Deque<FileDescriptor> todo = new ArrayDeque<>(roots);
      while (!todo.isEmpty()) {
        FileDescriptor file = todo.pop();
        if (seen.add(file)) {
          todo.addAll(file.getDependencies());
          file.getMessageTypes().forEach(m -> index(m, comparators));
        }
      }
      return new UnsignedComparisons(comparators);
    }

    private static void index(Descriptor message, Map<String, String> comparators) {
      for (FieldDescriptor field : message.getFields()) {
        unsignedComparator(field).ifPresent(c -> comparators.put(field.getFullName(), c));
      }
      message.getNestedTypes().forEach(m -> index(m, comparators));
    }

    private static Optional<String> unsignedComparator(FieldDescriptor field) {
      String type = switch (field.getType()) {
        case UINT32, FIXED32 -> "Integer";
        case UINT64, FIXED64 -> "Long";
        case MESSAGE -> switch (field.getMessageType().getFullName()) {
          case "google.protobuf.UInt32Value" -> "Integer";
          case "google.protobuf.UInt64Value" -> "Long";
          default -> null;
        };
        default -> null;
      };
      return Optional.ofNullable(type).map(t -> "java.lang." + t + "::compareUnsigned");
    }

    String fix(String code) {
      Matcher m = COMPARISON.matcher(code);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String comparator = comparatorByField.get(m.group(2));
        String replacement = comparator == null ? m.group() : m.group(1) + comparator + m.group(3);
        if (comparator != null) {
          fixed++;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      return out.toString();
    }

    int fixed() {
      return fixed;
    }
  }

  private record Options(
      Path program, Path protoc, Path plugin, Path roots, Path out, List<Path> protoPaths) {
    static Options parse(String[] args) {
      Path program = null;
      Path protoc = null;
      Path plugin = null;
      Path roots = null;
      Path out = null;
      List<Path> protoPaths = new ArrayList<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        Path value = Path.of(args[i + 1]);
        switch (args[i]) {
          case "--program" -> program = value;
          case "--protoc" -> protoc = value;
          case "--plugin" -> plugin = value;
          case "--roots" -> roots = value;
          case "--out" -> out = value;
          case "--proto-path" -> protoPaths.add(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (args.length % 2 != 0 || program == null || protoc == null || plugin == null || roots == null
          || out == null || protoPaths.isEmpty()) {
        throw new IllegalArgumentException("usage: --program FILE --protoc EXE --plugin EXE"
            + " --roots FILE --out DIR --proto-path DIR [--proto-path DIR ...]");
      }
      return new Options(program, protoc, plugin, roots, out, List.copyOf(protoPaths));
    }
  }
}
