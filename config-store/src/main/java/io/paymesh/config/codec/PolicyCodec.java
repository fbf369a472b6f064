package io.paymesh.config.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.PolicyValidator;
import io.paymesh.config.validation.ValidationError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Policy documents (YAML or JSON) to records and back. Decoding maps the Jackson tree by hand, so
 * every structural problem is reported with its path, then runs {@link PolicyValidator}; nothing
 * invalid comes out. {@link #toJson} is the canonical form stored in etcd. Thread-safe.
 */
public final class PolicyCodec {
  static final String DOCUMENTS = "documents";
  static final String PARSE_ERROR = "must be valid YAML or JSON: ";
  /** Jackson's message for a key given twice: the one parser message that names document text. */
  private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '([^']*)'");
  private static final int MAX_QUOTED_NAME = 64;
  /** Quoted text in a parser message: a token or a line of the document. */
  private static final Pattern QUOTED = Pattern.compile("'[^'\\n]*'|\"[^\"\\n]*\"");

  private final ObjectMapper json =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private final YAMLMapper yaml =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  // The factory builder does not start from YAMLFactory's defaults: an empty
                  // document must read as null (blank), not as "".
                  .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                  // YAML 1.2 booleans only, so `region: no` stays the string "no".
                  .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                  .stringQuotingChecker(new YamlQuoting())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();
  private final PolicyValidator validator = new PolicyValidator();

  /** Decodes exactly one document; throws with every structural or validation error. */
  public PolicyResource decode(String text) throws PolicyValidationException {
    ErrorCollector errors = new ErrorCollector();
    List<JsonNode> documents = parse(text, errors, false);
    PolicyResource resource = null;
    if (errors.count() == 0) {
      if (documents.size() != 1) {
        errors.add("must contain exactly one document, found " + documents.size());
      } else {
        resource = decodeDocument(documents.get(0), errors);
      }
    }
    throwIfAny(errors);
    return resource;
  }

  /**
   * Decodes a YAML stream of documents separated by {@code ---} (or one JSON document). Errors are
   * reported under {@code documents[i]}, i counting the non-blank documents from 0.
   */
  public List<PolicyResource> decodeAll(String text) throws PolicyValidationException {
    ErrorCollector errors = new ErrorCollector();
    List<JsonNode> documents = parse(text, errors, true);
    List<PolicyResource> resources = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      PolicyResource r = decodeDocument(documents.get(i), errors.atIndex(DOCUMENTS, i));
      if (r != null) {
        resources.add(r);
      }
    }
    throwIfAny(errors);
    return List.copyOf(resources);
  }

  /** The canonical JSON form: fixed field order, durations as strings, empty optionals omitted. */
  public String toJson(PolicyResource resource) {
    try {
      return json.writeValueAsString(DocumentMapper.encode(resource));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing a tree to a string", e);
    }
  }

  /** The same tree as {@link #toJson}, as YAML for people. */
  public String toYaml(PolicyResource resource) {
    try {
      return yaml.writeValueAsString(DocumentMapper.encode(resource));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing a tree to a string", e);
    }
  }

  /**
   * The trees of a YAML stream (or one JSON document) as {@link #decodeAll} reads them, before any
   * mapping: for checking documents against their JSON Schema with the codec's own YAML rules.
   */
  List<JsonNode> readTrees(String text) throws PolicyValidationException {
    ErrorCollector errors = new ErrorCollector();
    List<JsonNode> documents = parse(text, errors, true);
    throwIfAny(errors);
    return documents;
  }

  private PolicyResource decodeDocument(JsonNode document, ErrorCollector errors) {
    int before = errors.count();
    PolicyResource resource = DocumentMapper.decode(document, errors);
    if (resource == null || errors.count() > before) {
      return null;
    }
    List<ValidationError> problems = validator.validate(resource);
    errors.addAllNested(problems);
    return problems.isEmpty() ? resource : null;
  }

  /**
   * The non-blank documents of {@code text}. JSON is parsed as JSON (YAML 1.1 would reject tabs in
   * pretty-printed JSON); anything else as a YAML stream.
   */
  private List<JsonNode> parse(String text, ErrorCollector errors, boolean nameDocuments) {
    List<JsonNode> documents = new ArrayList<>();
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      try {
        documents.add(json.readTree(trimmed));
      } catch (JacksonException e) {
        (nameDocuments ? errors.atIndex(DOCUMENTS, 0) : errors).add(parseError(e));
      }
      return documents;
    }
    try (JsonParser parser = yaml.createParser(text);
        MappingIterator<JsonNode> it = yaml.readValues(parser, JsonNode.class)) {
      while (it.hasNextValue()) {
        JsonNode document = it.nextValue();
        if (document != null && !document.isMissingNode() && !document.isNull()) {
          documents.add(document);
        }
      }
    } catch (JacksonException e) {
      (nameDocuments ? errors.atIndex(DOCUMENTS, documents.size()) : errors).add(parseError(e));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: reading from a string", e);
    }
    return documents;
  }

  /**
   * The parser's complaint without the document's text. SnakeYAML quotes the offending line and
   * Jackson the offending token, and a document may hold a secret (a key pasted in the wrong
   * place) that no error may repeat: only the kind of mistake and where it is are kept. A
   * duplicate key keeps its name, a field name rather than a value.
   */
  private static String parseError(JacksonException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return PARSE_ERROR + withoutDocumentText(e) + where;
  }

  private static String withoutDocumentText(JacksonException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    Matcher duplicate = DUPLICATE_FIELD.matcher(original);
    if (duplicate.matches() && duplicate.group(1).length() <= MAX_QUOTED_NAME) {
      return original;
    }
    String what = e.getCause() instanceof MarkedYAMLException yaml
        ? String.join(", ", nonNull(yaml.getContext(), yaml.getProblem()))
        : original.lines().findFirst().orElse("");
    String unquoted = QUOTED.matcher(what).replaceAll("'…'").strip();
    return unquoted.isEmpty() ? "not well-formed" : unquoted;
  }

  private static List<String> nonNull(String... parts) {
    List<String> out = new ArrayList<>();
    for (String part : parts) {
      if (part != null && !part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }

  private static void throwIfAny(ErrorCollector errors) throws PolicyValidationException {
    if (errors.count() > 0) {
      throw new PolicyValidationException(errors.errors());
    }
  }
}
