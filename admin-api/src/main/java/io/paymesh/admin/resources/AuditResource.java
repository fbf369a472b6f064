package io.paymesh.admin.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.AuditPageResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.audit.Approval;
import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.audit.AuditPage;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.ResourceKey;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;

/**
 * {@code GET /v1/audit}: pages the audit log in etcd, oldest first, optionally for one document
 * ({@code kind} and {@code name} together). Any role may read it.
 */
@Path("/v1/audit")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  private final AuditLog audit;
  private final DocumentViews views;

  public AuditResource(AuditLog audit, PolicyCodec codec, ObjectMapper mapper) {
    this.audit = audit;
    this.views = new DocumentViews(codec, mapper);
  }

  @GET
  public AuditPageResponse page(@Auth AdminPrincipal caller, @QueryParam("kind") String kind,
      @QueryParam("name") String name, @QueryParam("after") Long after,
      @QueryParam("limit") Integer limit) {
    if ((kind == null) != (name == null)) {
      throw ApiException.badRequest("filter by kind and name together");
    }
    Optional<ResourceKey> filter = kind == null
        ? Optional.empty()
        : Optional.of(new ResourceKey(Kinds.fromPath(kind), name));
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
    }
    long from = after == null ? 0 : after;
    if (from < 0) {
      throw ApiException.badRequest("after must be a revision >= 0");
    }
    AuditPage page = audit.page(filter, from, size);
    return new AuditPageResponse(
        page.entries().stream().map(this::view).toList(),
        page.nextAfterRevision().orElse(null));
  }

  private AuditPageResponse.Entry view(AuditEntry e) {
    return new AuditPageResponse.Entry(e.revision(), e.at().toString(), e.actor(),
        e.reason().orElse(null), e.key().kind().wireName(), e.key().name(), e.operation().name(),
        e.beforeJson().map(views::tree).orElse(null), e.afterJson().map(views::tree).orElse(null),
        e.approval().map(Approval::approver).orElse(null),
        e.approval().map(Approval::reason).orElse(null));
  }
}
