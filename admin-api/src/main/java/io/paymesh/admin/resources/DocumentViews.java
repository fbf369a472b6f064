package io.paymesh.admin.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;

/**
 * A document as the API returns it: the codec's canonical JSON ({@code kind, name, spec}), the
 * same form stored in etcd. A single document carries no revision (that is its ETag), so what a
 * GET returns can be PUT back unchanged; an item of a list, which has no ETag of its own, adds
 * {@code revision}.
 */
final class DocumentViews {

  static final String REVISION = "revision";

  private final PolicyCodec codec;
  private final ObjectMapper mapper;

  DocumentViews(PolicyCodec codec, ObjectMapper mapper) {
    this.codec = codec;
    this.mapper = mapper;
  }

  /** The document alone, as GET and PUT answer it (the revision is in the ETag header). */
  ObjectNode document(PolicyResource resource) {
    return tree(codec.toJson(resource));
  }

  /** The document plus {@code revision}, as an item of a list (or a damaged one's lastGood). */
  ObjectNode withRevision(PolicyResource resource, long revision) {
    return withRevision(codec.toJson(resource), revision);
  }

  /** Canonical JSON as stored (e.g. an audit entry's before/after) as a JSON tree. */
  ObjectNode tree(String canonicalJson) {
    try {
      return (ObjectNode) mapper.readTree(canonicalJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored canonical JSON does not parse", e);
    }
  }

  private ObjectNode withRevision(String json, long revision) {
    ObjectNode node = tree(json);
    node.put(REVISION, revision);
    return node;
  }
}
