package io.paymesh.admin.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.PolicyBody;
import io.paymesh.admin.api.PolicyMediaTypes;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.WritePermissions;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.idempotency.IdempotentWrites;
import io.paymesh.admin.policy.PolicyDocuments;
import io.paymesh.admin.policy.PolicyWriter;
import io.paymesh.config.model.PolicyResource;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code POST /v1/apply}: writes a bundle of documents in one etcd transaction, all or none. The
 * caller needs the write role of every kind in the bundle; one invalid document, a Gate
 * regression or a missing CDE reason refuses the whole bundle with every error. A bundle that
 * needs four-eyes approval is proposed as a whole (202). Takes an Idempotency-Key
 * ({@link IdempotentWrites}).
 */
@Path("/v1/apply")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class ApplyResource {

  private final PolicyDocuments documents;
  private final PolicyWriter writer;
  private final IdempotentWrites idempotency;
  private final WriteResponses responses;

  public ApplyResource(PolicyDocuments documents, PolicyWriter writer,
      IdempotentWrites idempotency, ObjectMapper mapper) {
    this.documents = documents;
    this.writer = writer;
    this.idempotency = idempotency;
    this.responses = new WriteResponses(mapper);
  }

  @POST
  @Consumes({MediaType.APPLICATION_JSON, PolicyMediaTypes.APPLICATION_YAML,
      PolicyMediaTypes.TEXT_YAML, PolicyMediaTypes.APPLICATION_X_YAML})
  public Response apply(@Auth AdminPrincipal caller, @HeaderParam(Headers.REASON) String reason,
      @Context ContainerRequestContext request, PolicyBody body) {
    WritePermissions.requireSomeWrite(caller);
    if (body == null) {
      throw ApiException.badRequest("the request body is empty");
    }
    PolicyDocuments.Bundle bundle = documents.bundle(body);
    WritePermissions.requireWrite(caller,
        bundle.documents().stream().map(PolicyResource::kind).toList());
    String why = reason != null ? reason : bundle.reason().orElse(null);
    return responses.write(idempotency, caller, request,
        claim -> writer.write(BundleChanges.of(bundle), caller, Optional.ofNullable(why), false,
            claim),
        committed -> Response.ok(PolicyWriter.view(committed)).build());
  }
}
