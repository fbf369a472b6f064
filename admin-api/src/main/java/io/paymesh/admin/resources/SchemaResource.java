package io.paymesh.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.SchemaIndexResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.config.model.Kind;
import io.paymesh.config.schema.PolicySchemas;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;

/**
 * {@code GET /v1/schemas[/{kind}]}: the JSON Schema (draft 2020-12) of each policy kind's
 * document, for editors that complete and check policy YAML ({@link PolicySchemas}). Any role
 * may read them, as any role may read the policy they describe.
 */
@Path("/v1/schemas")
@PermitAll
public final class SchemaResource {
  static final String URL_PREFIX = "/v1/schemas/";
  /** Not a kind's path segment: the schema whose {@code kind} picks one of the others. */
  static final String ANY_KIND = "any";

  private final PolicySchemas schemas;

  public SchemaResource(PolicySchemas schemas) {
    this.schemas = schemas;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public SchemaIndexResponse index(@Auth AdminPrincipal caller) {
    return new SchemaIndexResponse(Arrays.stream(Kind.values())
        .map(k -> new SchemaIndexResponse.Entry(
            k.wireName(), k.pathSegment(), URL_PREFIX + k.pathSegment()))
        .toList(), URL_PREFIX + ANY_KIND);
  }

  /** For files that mix kinds: every kind's schema, chosen by the document's {@code kind}. */
  @GET
  @Path(ANY_KIND)
  @Produces(PolicySchemas.MEDIA_TYPE)
  public ObjectNode anyKind(@Auth AdminPrincipal caller) {
    return schemas.anyKind();
  }

  @GET
  @Path("{kind}")
  @Produces(PolicySchemas.MEDIA_TYPE)
  public ObjectNode schema(@Auth AdminPrincipal caller, @PathParam("kind") String kind) {
    return schemas.schema(Kinds.fromPath(kind));
  }
}
