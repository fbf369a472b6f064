package io.paymesh.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.ListResponse;
import io.paymesh.admin.api.PolicyBody;
import io.paymesh.admin.api.PolicyMediaTypes;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.WritePermissions;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.idempotency.IdempotentWrites;
import io.paymesh.admin.policy.PolicyDocuments;
import io.paymesh.admin.policy.PolicyWriter;
import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.DamagedDocument;
import io.paymesh.config.store.Operation;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.Precondition;
import io.paymesh.config.store.StoredDocument;
import io.paymesh.config.store.StoredVersion;
import io.paymesh.config.validation.PolicyValidationException;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CRUD for one policy kind under {@code /v1/{kind}}, plus dry runs and rollback. Reads need any
 * token; writes the role of the kind. Every write goes through {@link PolicyWriter} (validation,
 * Gate, CDE reason) and is guarded by the document's revision, so concurrent editors cannot
 * overwrite each other's changes unseen. Writes take an Idempotency-Key ({@link IdempotentWrites}).
 */
@Path("/v1/{kind}")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class PolicyKindResource {

  static final String DRY_RUN = "dryRun";

  private final PolicyRepository repository;
  private final AuditLog audit;
  private final PolicyCodec codec;
  private final PolicyDocuments documents;
  private final PolicyWriter writer;
  private final DocumentViews views;
  private final DamagedDocumentViews damagedViews;
  private final WriteResponses responses;
  private final ObjectMapper mapper;
  private final IdempotentWrites idempotency;
  private final DocumentRepresentations representations;

  public PolicyKindResource(PolicyRepository repository, AuditLog audit, PolicyCodec codec,
      PolicyWriter writer, ObjectMapper mapper, IdempotentWrites idempotency) {
    this.repository = repository;
    this.audit = audit;
    this.codec = codec;
    this.documents = new PolicyDocuments(codec);
    this.writer = writer;
    this.views = new DocumentViews(codec, mapper);
    this.damagedViews = new DamagedDocumentViews(mapper, views);
    this.responses = new WriteResponses(mapper);
    this.mapper = mapper;
    this.idempotency = idempotency;
    this.representations = new DocumentRepresentations(codec);
  }

  @GET
  public ListResponse list(@Auth AdminPrincipal caller, @PathParam("kind") String kindSegment,
      @QueryParam("namePrefix") String namePrefix, @QueryParam("service") String service,
      @QueryParam("host") String host, @QueryParam("pciScope") String pciScope) {
    Kind kind = Kinds.fromPath(kindSegment);
    ListFilter filter = ListFilter.of(kind, namePrefix, service, host, pciScope);
    List<ObjectNode> items = new ArrayList<>();
    for (StoredVersion version : repository.listVersions(kind)) {
      if (version instanceof StoredVersion.Valid valid) {
        StoredDocument doc = valid.stored();
        if (filter.test(doc.resource())) {
          items.add(views.withRevision(doc.resource(), doc.modRevision()));
        }
      } else if (version instanceof StoredVersion.Damaged damaged) {
        DamagedDocument doc = damaged.damaged();
        if (filter.testDamaged(doc.document().name(),
            doc.lastGood().map(StoredDocument::resource))) {
          items.add(damagedViews.listItem(doc));
        }
      }
    }
    return new ListResponse(items);
  }

  /**
   * The document alone, as JSON or YAML by {@code Accept}; its revision is the ETag, not part of
   * the body, so the body can be PUT back unchanged with that ETag as If-Match.
   */
  @GET
  @Path("{name}")
  @Produces({MediaType.APPLICATION_JSON, PolicyMediaTypes.APPLICATION_YAML,
      PolicyMediaTypes.TEXT_YAML, PolicyMediaTypes.APPLICATION_X_YAML})
  public Response get(@Auth AdminPrincipal caller, @PathParam("kind") String kindSegment,
      @PathParam("name") String name, @Context Request request) {
    Kind kind = Kinds.fromPath(kindSegment);
    StoredVersion version = current(kind, name).orElseThrow(() -> notFound(kind, name));
    Response.ResponseBuilder answer;
    if (version instanceof StoredVersion.Valid valid) {
      PolicyResource resource = valid.stored().resource();
      answer = representations.document(request, resource, views.document(resource));
    } else if (version instanceof StoredVersion.Damaged damaged) {
      // 200, not 500: the operator needs this view, and its ETag, to repair the document.
      answer = representations.view(request, damagedViews.view(damaged.damaged()));
    } else {
      throw new AssertionError(version);
    }
    return answer.header(HttpHeaders.ETAG, ETags.header(version.modRevision())).build();
  }

  @PUT
  @Path("{name}")
  @Consumes({MediaType.APPLICATION_JSON, PolicyMediaTypes.APPLICATION_YAML,
      PolicyMediaTypes.TEXT_YAML, PolicyMediaTypes.APPLICATION_X_YAML})
  public Response put(@Auth AdminPrincipal caller, @PathParam("kind") String kindSegment,
      @PathParam("name") String name, @QueryParam(DRY_RUN) boolean dryRun,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      @HeaderParam(Headers.REASON) String reason, @Context ContainerRequestContext request,
      PolicyBody body) {
    Kind kind = Kinds.fromPath(kindSegment);
    WritePermissions.requireWrite(caller, List.of(kind));
    if (body == null) {
      throw ApiException.badRequest("the request body is empty");
    }
    PolicyResource document = documents.single(body);
    requireMatchesUrl(kind, name, document);
    if (dryRun) {
      return Response.ok(writer.plan(List.of(Change.put(document, new Precondition.Any())),
          Optional.ofNullable(reason))).build();
    }
    Optional<Long> unchangedAt = unchangedRevision(kind, name, ifMatch, document);
    if (unchangedAt.isPresent()) {
      // A no-op apply changes nothing: no commit, no new revision, no audit record.
      return Response.ok(views.document(document))
          .header(HttpHeaders.ETAG, ETags.header(unchangedAt.get()))
          .build();
    }
    return responses.write(idempotency, caller, request,
        // Inside the idempotent part: a retried create finds the document it created itself.
        claim -> writer.write(List.of(Change.put(document,
            putPrecondition(kind, name, ifMatch, ifNoneMatch))), caller,
            Optional.ofNullable(reason), false, claim),
        committed -> {
          Response.Status status = committed.changes().get(0).operation() == Operation.CREATE
              ? Response.Status.CREATED
              : Response.Status.OK;
          return Response.status(status)
              .entity(views.document(document))
              .header(HttpHeaders.ETAG, ETags.header(committed.revision()))
              .build();
        });
  }

  @DELETE
  @Path("{name}")
  public Response delete(@Auth AdminPrincipal caller, @PathParam("kind") String kindSegment,
      @PathParam("name") String name, @QueryParam(DRY_RUN) boolean dryRun,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(Headers.REASON) String reason, @Context ContainerRequestContext request) {
    Kind kind = Kinds.fromPath(kindSegment);
    WritePermissions.requireWrite(caller, List.of(kind));
    ResourceKey key = new ResourceKey(kind, name);
    if (dryRun) {
      current(kind, name).orElseThrow(() -> notFound(kind, name));
      return Response.ok(writer.plan(List.of(Change.delete(key, new Precondition.Any())),
          Optional.ofNullable(reason))).build();
    }
    long revision = ETags.revision(ifMatch).orElseThrow(
        () -> ApiException.preconditionRequired(
            "deleting " + key + " requires If-Match with the ETag of a GET"));
    Change change = Change.delete(key, new Precondition.Revision(revision));
    return responses.write(idempotency, caller, request,
        claim -> writer.write(List.of(change), caller, Optional.ofNullable(reason), false, claim),
        committed -> Response.ok(PolicyWriter.view(committed)).build());
  }

  /**
   * Restores the document as it was right after the audit entry at revision {@code to} (deleting
   * it if that entry was a delete), through the same checks as any write. An If-Match header
   * guards against restoring over a change made since the caller last looked.
   */
  @POST
  @Path("{name}/rollback")
  @Consumes(MediaType.WILDCARD)
  public Response rollback(@Auth AdminPrincipal caller, @PathParam("kind") String kindSegment,
      @PathParam("name") String name, @QueryParam("to") Long to,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(Headers.REASON) String reasonHeader, @Context ContainerRequestContext request,
      String body) {
    Kind kind = Kinds.fromPath(kindSegment);
    WritePermissions.requireWrite(caller, List.of(kind));
    if (to == null || to <= 0) {
      throw ApiException.badRequest("the query parameter to=<revision> is required");
    }
    ResourceKey key = new ResourceKey(kind, name);
    String reason = Optional.ofNullable(reasonHeader).orElseGet(() -> bodyReason(body));
    AuditEntry entry = audit.at(key, to)
        .orElseThrow(() -> ApiException.notFound("no audit entry for " + key + " at revision " + to));
    if (!entry.operation().changesDocument()) {
      // An identity operation (join token, revocation) is audited on the Service but records no
      // version of it; "restoring" its absent after-image would delete the Service.
      throw ApiException.unprocessable("the audit entry for " + key + " at revision " + to
          + " is " + entry.operation() + ", which changed no document: there is nothing to roll "
          + "back to", List.of(new ErrorDetail("to", "not a document change: "
          + entry.operation())));
    }
    Optional<PolicyResource> restored;
    try {
      restored = entry.afterJson().isPresent()
          ? Optional.of(codec.decode(entry.afterJson().get()))
          : Optional.empty();
    } catch (PolicyValidationException e) {
      // The rules may have tightened since; the old version is then not restorable as is.
      throw ApiException.unprocessable(PolicyDocuments.INVALID,
          e.errors().stream().map(ErrorDetail::of).toList());
    }
    Precondition precondition = ETags.revision(ifMatch)
        .<Precondition>map(Precondition.Revision::new)
        .orElseGet(Precondition.Any::new);
    Change change = restored.isPresent()
        ? Change.put(restored.get(), precondition)
        : Change.delete(key, precondition);
    return responses.write(idempotency, caller, request,
        claim -> writer.write(List.of(change), caller, Optional.ofNullable(reason), true, claim),
        committed -> Response.ok(PolicyWriter.view(committed))
            .header(HttpHeaders.ETAG, ETags.header(committed.revision()))
            .build());
  }

  /**
   * The revision If-Match names, when the document is stored valid at exactly that revision and
   * equal to {@code document}: writing it would change nothing. A stale If-Match or a damaged
   * document is not unchanged; those go the write path and get its answer (412, repair).
   */
  private Optional<Long> unchangedRevision(Kind kind, String name, String ifMatch,
      PolicyResource document) {
    Optional<Long> expected = ETags.revision(ifMatch);
    if (expected.isEmpty()) {
      return Optional.empty();
    }
    return current(kind, name)
        .filter(version -> version instanceof StoredVersion.Valid)
        .map(version -> (StoredVersion.Valid) version)
        .filter(valid -> valid.modRevision() == expected.get())
        .filter(valid -> valid.stored().resource().equals(document))
        .map(StoredVersion.Valid::modRevision);
  }

  private String bodyReason(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest("the rollback body must be JSON: {\"reason\": \"...\"}");
    }
    JsonNode reason = node.get("reason");
    if (node.isObject() && reason != null && reason.isTextual()) {
      return reason.asText();
    }
    throw ApiException.badRequest("the rollback body must be JSON: {\"reason\": \"...\"}");
  }

  /**
   * If-Match -> exactly that revision; If-None-Match: * -> create only; neither -> create only
   * if absent, 428 if the document exists (no blind overwrite of payment policy).
   */
  private Precondition putPrecondition(Kind kind, String name, String ifMatch, String ifNoneMatch) {
    Optional<Long> revision = ETags.revision(ifMatch);
    boolean createOnly = ETags.createOnly(ifNoneMatch);
    if (revision.isPresent() && createOnly) {
      throw ApiException.badRequest("send either If-Match or If-None-Match, not both");
    }
    if (revision.isPresent()) {
      return new Precondition.Revision(revision.get());
    }
    if (!createOnly && current(kind, name).isPresent()) {
      throw ApiException.preconditionRequired(new ResourceKey(kind, name)
          + " exists: send If-Match with the ETag of a GET to update it");
    }
    return new Precondition.Absent();
  }

  private static void requireMatchesUrl(Kind kind, String name, PolicyResource document) {
    List<ErrorDetail> errors = new ArrayList<>();
    if (document.kind() != kind) {
      errors.add(new ErrorDetail("kind", "must be " + kind.wireName() + " to match the URL"));
    }
    if (!document.name().equals(name)) {
      errors.add(new ErrorDetail("name", "must be " + name + " to match the URL"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.unprocessable(PolicyDocuments.INVALID, errors);
    }
  }

  /** What is stored now, valid or damaged (a damaged document exists: it can be repaired). */
  private Optional<StoredVersion> current(Kind kind, String name) {
    return repository.read(kind, name);
  }

  private static ApiException notFound(Kind kind, String name) {
    return ApiException.notFound(new ResourceKey(kind, name) + " does not exist");
  }
}
