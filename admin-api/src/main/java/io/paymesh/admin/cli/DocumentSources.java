package io.paymesh.admin.cli;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the documents of {@code -f FILE|DIR|-}: a file is a YAML stream (or one JSON document), a
 * directory every {@code *.yaml}, {@code *.yml} and {@code *.json} below it (sorted), {@code -}
 * standard input. Every document is decoded and validated by the API's own codec first, so that
 * an invalid file is reported with its name, the document's place in it and each error's path
 * before anything is sent.
 */
final class DocumentSources {

  static final String STDIN = "-";
  private static final Pattern DOCUMENT_INDEX = Pattern.compile("^documents\\[(\\d+)]\\.?");

  private final PolicyCodec codec;
  private final Terminal terminal;

  DocumentSources(PolicyCodec codec, Terminal terminal) {
    this.codec = codec;
    this.terminal = terminal;
  }

  List<SourcedDocument> read(List<String> sources) {
    List<SourcedDocument> documents = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String source : sources) {
      if (source.equals(STDIN)) {
        decode("<stdin>", terminal.readAllInput(), documents, errors);
        continue;
      }
      for (Path file : files(Path.of(source))) {
        decode(file.toString(), readFile(file), documents, errors);
      }
    }
    Map<ResourceKey, String> seen = new HashMap<>();
    for (SourcedDocument doc : documents) {
      String earlier = seen.putIfAbsent(doc.resource().key(), doc.origin());
      if (earlier != null) {
        errors.add(doc.label() + ": also in " + earlier + "; a document may appear once");
      }
    }
    if (!errors.isEmpty()) {
      throw new CtlException(ExitCodes.REFUSED, "invalid documents, nothing was sent:\n  "
          + String.join("\n  ", errors));
    }
    if (documents.isEmpty()) {
      throw new CtlException(ExitCodes.USAGE, "no documents in " + String.join(", ", sources));
    }
    return List.copyOf(documents);
  }

  private void decode(String origin, String text, List<SourcedDocument> documents,
      List<String> errors) {
    try {
      List<PolicyResource> decoded = codec.decodeAll(text);
      for (int i = 0; i < decoded.size(); i++) {
        documents.add(new SourcedDocument(decoded.get(i),
            decoded.size() == 1 ? origin : origin + "#" + (i + 1)));
      }
    } catch (PolicyValidationException e) {
      for (ValidationError error : e.errors()) {
        errors.add(locate(origin, error));
      }
    }
  }

  /** {@code file.yaml#2: routes[charge].timeout: must be > 0} from {@code documents[1].routes...}. */
  private static String locate(String origin, ValidationError error) {
    Matcher index = DOCUMENT_INDEX.matcher(error.path());
    if (index.find()) {
      String path = error.path().substring(index.end());
      return origin + "#" + (Integer.parseInt(index.group(1)) + 1) + ": "
          + (path.isEmpty() ? "" : path + ": ") + error.message();
    }
    return origin + ": " + (error.path().isEmpty() ? "" : error.path() + ": ") + error.message();
  }

  private static List<Path> files(Path source) {
    if (Files.isRegularFile(source)) {
      return List.of(source);
    }
    if (!Files.isDirectory(source)) {
      throw new CtlException(ExitCodes.USAGE, "no such file or directory: " + source);
    }
    try (Stream<Path> walk = Files.walk(source)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new CtlException(ExitCodes.USAGE, "cannot read " + source + ": " + e.getMessage());
    }
  }

  private static String readFile(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CtlException(ExitCodes.USAGE, "cannot read " + file + ": "
          + e.getClass().getSimpleName());
    }
  }
}
