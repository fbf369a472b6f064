package io.paymesh.admin.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.paymesh.admin.api.PolicyMediaTypes;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Variant;
import java.util.List;

/**
 * Answers a read of one document in the form the client asks for with {@code Accept}: JSON (the
 * default) or YAML. A valid document is rendered by the codec, the same YAML it reads back, so
 * that a GET can be edited and PUT back unchanged; a damaged document's view is not a document
 * (it cannot be PUT back as is) and is only translated to YAML.
 */
final class DocumentRepresentations {

  /** JSON first: a client that accepts anything gets what it got before YAML was offered. */
  static final List<Variant> VARIANTS = Variant.mediaTypes(
      MediaType.APPLICATION_JSON_TYPE,
      MediaType.valueOf(PolicyMediaTypes.APPLICATION_YAML),
      MediaType.valueOf(PolicyMediaTypes.TEXT_YAML),
      MediaType.valueOf(PolicyMediaTypes.APPLICATION_X_YAML)).build();

  private final PolicyCodec codec;
  private final YAMLMapper yaml = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .build();

  DocumentRepresentations(PolicyCodec codec) {
    this.codec = codec;
  }

  /** A valid document: {@code json} is its JSON view, {@code resource} what the codec renders. */
  Response.ResponseBuilder document(Request request, PolicyResource resource, ObjectNode json) {
    MediaType type = select(request);
    Object entity = PolicyMediaTypes.isYaml(type) ? codec.toYaml(resource) : json;
    return Response.ok(entity, type).header(HttpHeaders.VARY, HttpHeaders.ACCEPT);
  }

  /** Any other view (a damaged document): its JSON tree, or the same tree as YAML. */
  Response.ResponseBuilder view(Request request, ObjectNode json) {
    MediaType type = select(request);
    Object entity = PolicyMediaTypes.isYaml(type) ? toYaml(json) : json;
    return Response.ok(entity, type).header(HttpHeaders.VARY, HttpHeaders.ACCEPT);
  }

  private static MediaType select(Request request) {
    Variant chosen = request.selectVariant(VARIANTS);
    if (chosen == null) {
      throw new NotAcceptableException();
    }
    return chosen.getMediaType();
  }

  private String toYaml(ObjectNode json) {
    try {
      return yaml.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen: writing a tree to a string", e);
    }
  }
}
