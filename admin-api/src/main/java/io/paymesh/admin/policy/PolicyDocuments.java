package io.paymesh.admin.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.PolicyBody;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

  /** The documents of a plan or apply body, and the reason if the body carried one. */
  public record Bundle(List<PolicyResource> documents, Optional<String> reason) {}

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
   * {@code {"reason": "...", "documents": [...]}}.
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
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable(INVALID_BUNDLE, errors);
    }
    return new Bundle(List.copyOf(decoded), reason);
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
