package io.paymesh.config.store;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * First step of a commit: checks every change before anything is read or written, and reports all
 * problems of all documents at once, each path prefixed with its document ({@code Kind/name.}).
 * Each new version is round-tripped through the codec, so what is stored is read back identically
 * (and accepted) by the watcher.
 */
final class ChangeValidator {
  static final String DUPLICATE = "duplicate document in one write";

  private final PolicyCodec codec;

  ChangeValidator(PolicyCodec codec) {
    this.codec = codec;
  }

  /** The canonical JSON to store per key, for the changes that write a document. */
  Map<ResourceKey, String> canonicalDocuments(List<Change> changes)
      throws PolicyValidationException {
    List<ValidationError> errors = new ArrayList<>();
    Map<ResourceKey, String> documents = new HashMap<>();
    Set<ResourceKey> seen = new HashSet<>();
    for (Change change : changes) {
      if (!seen.add(change.key())) {
        errors.add(new ValidationError(change.key().toString(), DUPLICATE));
        continue;
      }
      if (change.after().isEmpty()) {
        continue;
      }
      PolicyResource resource = change.after().get();
      try {
        documents.put(change.key(), canonical(resource));
      } catch (PolicyValidationException e) {
        for (ValidationError error : e.errors()) {
          errors.add(new ValidationError(qualified(change.key(), error.path()), error.message()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyValidationException(errors);
    }
    return documents;
  }

  private String canonical(PolicyResource resource) throws PolicyValidationException {
    String json = codec.toJson(resource);
    codec.decode(json);
    return json;
  }

  private static String qualified(ResourceKey key, String path) {
    return path.isEmpty() ? key.toString() : key + "." + path;
  }
}
