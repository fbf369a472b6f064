package io.paymesh.admin.cli;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import java.util.Optional;

/**
 * What the admin API holds for one document: absent, a valid document at an ETag, or a damaged
 * one (stored around the API, no longer valid) at an ETag, which a write repairs.
 *
 * @param etag the ETag to send as If-Match; empty when the document does not exist
 * @param resource the stored document; empty when absent or damaged
 */
record RemoteDocument(ResourceKey key, Optional<String> etag, Optional<PolicyResource> resource) {

  static RemoteDocument fetch(AdminClient client, PolicyCodec codec, ResourceKey key) {
    ApiReply reply = client.get(KindArgument.documentPath(key.kind(), key.name()),
        AdminClient.JSON);
    if (reply.status() == 404) {
      return new RemoteDocument(key, Optional.empty(), Optional.empty());
    }
    reply.requireOk("reading " + key);
    if (reply.json().path("damaged").asBoolean(false)) {
      return new RemoteDocument(key, reply.etag(), Optional.empty());
    }
    try {
      return new RemoteDocument(key, reply.etag(), Optional.of(codec.decode(reply.body())));
    } catch (PolicyValidationException e) {
      throw new CtlException(ExitCodes.ERROR, "the admin API answered " + key
          + " in a form this paymeshctl does not read (" + e.getMessage() + "); is it the same"
          + " version?");
    }
  }

  boolean exists() {
    return etag.isPresent();
  }

  boolean damaged() {
    return etag.isPresent() && resource.isEmpty();
  }

  /** CREATE, UPDATE or UNCHANGED, for a document that would replace this one. */
  String operationFor(PolicyResource wanted) {
    if (!exists()) {
      return "CREATE";
    }
    return resource.filter(wanted::equals).isPresent() ? "UNCHANGED" : "UPDATE";
  }
}
