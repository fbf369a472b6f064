package io.paymesh.admin.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.PolicyBody;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import io.paymesh.config.model.ResourceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a request body into policy documents with the codec, so the API accepts exactly what the
 * store and the xds-servers accept. Every error is reported (422) with its path: relative to
 * {@code spec} for one document, under {@code documents[i]} for a bundle.
 */
public final class PolicyDocuments {

  public static final String INVALID = "the document is invalid";
  public static final String INVALID_BUNDLE = "the documents are invalid";
  static final String DOCUMENTS = "documents";
  static final String REASON = "reason";
  public static final String EXPECTED_REVISIONS = "expectedRevisions";

  /**
   * The documents of a plan or apply body, the reason if the body carried one, and the revision
   * the caller expects each guarded document to be at ({@code expectedRevisions}, the bundle's
   * If-Match: 0 means it must not exist). Unguarded documents are written whatever their
   * revision.
   */
  public record Bundle(List<PolicyResource> documents, Optional<String> reason,
      Map<ResourceKey, Long> expectedRevisions) {
    public Bundle {
      documents = List.copyOf(documents);
      expectedRevisions = Map.copyOf(expectedRevisions);
    }

    Bundle(List<PolicyResource> documents, Optional<String> reason) {
      this(documents, reason, Map.of());
    }
  }

  private final PolicyCodec codec;

  public PolicyDocuments(PolicyCodec codec) {
    this.codec = codec;
  }

  /** One document (PUT). */
  public PolicyResource single(PolicyBody body) {
    if (body.json().isPresent() && !body.json().get().isObject()) {
      throw ApiException.unprocessable(INVALID, List.of(new ErrorDetail("", "must be one JSON object")));
    }
    try {
      return codec.decode(body.text());
    } catch (PolicyValidationException e) {
      throw ApiException.unprocessable(INVALID, details(e.errors(), ""));
    }
  }

  /**
   * A bundle: a YAML stream of documents, a JSON array of documents, or a JSON object
   * {@code {"reason": "...", "documents": [...], "expectedRevisions": {"RouteTable/payments": 12,
   * "Service/reports": 0}}}.
   */
  public Bundle bundle(PolicyBody body) {
    if (body.json().isEmpty()) {
      try {
        return new Bundle(codec.decodeAll(body.text()), Optional.empty());
      } catch (PolicyValidationException e) {
        throw ApiException.unprocessable(INVALID_BUNDLE, details(e.errors(), ""));
      }
    }
    JsonNode root = body.json().get();
    Optional<String> reason = Optional.empty();
    JsonNode documents = root;
    if (root.isObject() && root.has(DOCUMENTS)) {
      documents = root.get(DOCUMENTS);
      JsonNode r = root.get(REASON);
      if (r != null && !r.isNull()) {
        if (!r.isTextual()) {
          throw ApiException.unprocessable(INVALID_BUNDLE, List.of(new ErrorDetail(REASON, "must be a string")));
        }
        reason = Optional.of(r.asText());
      }
    } else if (root.isObject()) {
      // One document on its own is a bundle of one.
      return new Bundle(List.of(single(body)), reason);
    }
    if (!documents.isArray()) {
      throw ApiException.unprocessable(INVALID_BUNDLE,
          List.of(new ErrorDetail(DOCUMENTS, "must be an array of documents")));
    }
    List<PolicyResource> decoded = new ArrayList<>();
    List<ErrorDetail> errors = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      try {
        decoded.add(codec.decode(documents.get(i).toString()));
      } catch (PolicyValidationException e) {
        errors.addAll(details(e.errors(), DOCUMENTS + "[" + i + "]"));
      }
    }
    Map<ResourceKey, Long> expected = expectedRevisions(root.get(EXPECTED_REVISIONS),
        decoded.stream().map(PolicyResource::key).collect(Collectors.toSet()), errors);
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable(INVALID_BUNDLE, errors);
    }
    return new Bundle(decoded, reason, expected);
  }

  /**
   * {@code expectedRevisions}: an object from {@code Kind/name} to a revision (0: must not exist).
   * Every key must name a document of the bundle, so a typo cannot leave a document unguarded
   * while the caller believes it guarded.
   */
  private static Map<ResourceKey, Long> expectedRevisions(JsonNode node, Set<ResourceKey> inBundle,
      List<ErrorDetail> errors) {
    Map<ResourceKey, Long> expected = new HashMap<>();
    if (node == null || node.isNull()) {
      return expected;
    }
    if (!node.isObject()) {
      errors.add(new ErrorDetail(EXPECTED_REVISIONS,
          "must be an object from Kind/name to a revision (0: must not exist)"));
      return expected;
    }
    Map<String, ResourceKey> byName = new HashMap<>();
    inBundle.forEach(k -> byName.put(k.toString(), k));
    node.fields().forEachRemaining(field -> {
      String path = EXPECTED_REVISIONS + "[" + field.getKey() + "]";
      ResourceKey key = byName.get(field.getKey());
      JsonNode value = field.getValue();
      if (key == null) {
        errors.add(new ErrorDetail(path, "names no document of the bundle"));
      } else if (!value.isIntegralNumber() || value.asLong() < 0) {
        errors.add(new ErrorDetail(path, "must be a revision >= 0 (0: must not exist)"));
      } else {
        expected.put(key, value.asLong());
      }
    });
    return expected;
  }

  static List<ErrorDetail> details(List<ValidationError> errors, String prefix) {
    return errors.stream()
        .map(e -> new ErrorDetail(qualify(prefix, e.path()), e.message()))
        .toList();
  }

  static String qualify(String prefix, String path) {
    if (prefix.isEmpty()) {
      return path;
    }
    return path.isEmpty() ? prefix : prefix + "." + path;
  }
}
