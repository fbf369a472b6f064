package io.paymesh.admin.resources;

import io.paymesh.admin.api.PolicyMediaTypes;
import io.paymesh.admin.auth.AdminPrincipal;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves the hand-written OpenAPI 3.0 description of this API. It is a file, not generated, so it
 * documents intent (roles, ETags, errors); OpenApiCoverageTest keeps it in step with the code.
 */
@Path("/v1/openapi.yaml")
@PermitAll
public final class OpenApiResource {

  /** The classpath location of the description. */
  public static final String RESOURCE = "/openapi.yaml";

  private final String document;

  public OpenApiResource() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      this.document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GET
  @Produces(PolicyMediaTypes.APPLICATION_YAML)
  public String get(@Auth AdminPrincipal caller) {
    return document;
  }
}
