package io.paymesh.admin.resources;

import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.PlanResponse;
import io.paymesh.admin.api.PolicyBody;
import io.paymesh.admin.api.PolicyMediaTypes;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.policy.PolicyDocuments;
import io.paymesh.admin.policy.PolicyWriter;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/plan}: what a bundle would change, per proxy group and Envoy resource, and
 * every reason apply would refuse it; nothing is written. Planning is a read: any role may plan.
 * Invalid documents are answered with 200 and {@code valid: false} so a CI job reads one shape.
 */
@Path("/v1/plan")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class PlanResource {

  private final PolicyDocuments documents;
  private final PolicyWriter writer;

  public PlanResource(PolicyDocuments documents, PolicyWriter writer) {
    this.documents = documents;
    this.writer = writer;
  }

  @POST
  @Consumes({MediaType.APPLICATION_JSON, PolicyMediaTypes.APPLICATION_YAML,
      PolicyMediaTypes.TEXT_YAML, PolicyMediaTypes.APPLICATION_X_YAML})
  public PlanResponse plan(@Auth AdminPrincipal caller, @HeaderParam(Headers.REASON) String reason,
      PolicyBody body) {
    if (body == null) {
      throw ApiException.badRequest("the request body is empty");
    }
    PolicyDocuments.Bundle bundle;
    try {
      bundle = documents.bundle(body);
    } catch (ApiException e) {
      if (e.status() != ApiException.UNPROCESSABLE) {
        throw e;
      }
      List<ErrorDetail> errors = e.errors();
      return new PlanResponse(0, false, errors, List.of(), List.of(), List.of(), false);
    }
    Optional<String> why = Optional.ofNullable(reason).or(bundle::reason);
    return writer.plan(BundleChanges.of(bundle), why);
  }
}
