package io.paymesh.admin.resources;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.paymesh.admin.api.PolicyBody;
import io.paymesh.admin.api.PolicyMediaTypes;
import io.paymesh.admin.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a policy request body (JSON or YAML by Content-Type) and checks only its syntax: a body
 * that does not parse is a 400 naming the line and column, never quoting the body (it may hold
 * a secret pasted by mistake). Decoding into documents happens in the resource, with the codec.
 */
@Provider
@Consumes({
  MediaType.APPLICATION_JSON,
  PolicyMediaTypes.APPLICATION_YAML,
  PolicyMediaTypes.TEXT_YAML,
  PolicyMediaTypes.APPLICATION_X_YAML
})
public final class PolicyBodyReader implements MessageBodyReader<PolicyBody> {

  /** Far above any real policy bundle; bounds the memory one request can take. */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final ObjectMapper json =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private final YAMLMapper yaml =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  @Override
  public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type == PolicyBody.class;
  }

  @Override
  public PolicyBody readFrom(
      Class<PolicyBody> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, String> httpHeaders,
      InputStream entityStream)
      throws IOException {
    byte[] bytes = entityStream.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ApiException(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes",
          java.util.List.of());
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw ApiException.badRequest("the request body is empty");
    }
    if (PolicyMediaTypes.isYaml(mediaType)) {
      checkYaml(text);
      return new PolicyBody(text, Optional.empty());
    }
    return new PolicyBody(text, Optional.of(parseJson(text)));
  }

  private JsonNode parseJson(String text) {
    try {
      return json.readTree(text);
    } catch (JacksonException e) {
      throw ApiException.badRequest("the request body is not valid JSON" + where(e));
    }
  }

  private void checkYaml(String text) throws IOException {
    try (JsonParser parser = yaml.createParser(text);
        MappingIterator<JsonNode> documents = yaml.readValues(parser, JsonNode.class)) {
      while (documents.hasNextValue()) {
        documents.nextValue();
      }
    } catch (JacksonException e) {
      throw ApiException.badRequest("the request body is not valid YAML" + where(e));
    } catch (RuntimeException e) {
      // SnakeYAML reports some syntax errors as its own unchecked exceptions.
      throw ApiException.badRequest("the request body is not valid YAML");
    }
  }

  private static String where(JacksonException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }
}
