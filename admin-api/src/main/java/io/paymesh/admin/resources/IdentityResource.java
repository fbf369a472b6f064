package io.paymesh.admin.resources;

import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.ErrorResponse;
import io.paymesh.admin.api.IdentityResponse;
import io.paymesh.admin.api.JoinTokenRequest;
import io.paymesh.admin.api.JoinTokenResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.WritePermissions;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.idempotency.IdempotentWrites;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.identity.IdentityRevocation;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.IssuedJoinToken;
import io.paymesh.config.identity.JoinTokenIssue;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.DocumentNotFoundException;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.validation.Durations;
import io.paymesh.config.store.DamagedDocument;
import io.paymesh.config.store.StoredVersion;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/identities/{service}}: workload identity operations. A security admin creates a
 * one-time join token with which a workload agent obtains its first certificate, or revokes a
 * Service's identity so that none of its certificates is renewed. Both need a reason and are
 * audited in the same etcd transaction; any role may read a Service's identity state. Both take
 * an Idempotency-Key ({@link IdempotentWrites}); a join token's replay cannot show the token again.
 */
@Path("/v1/identities/{service}")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class IdentityResource {
  static final String TTL_PATH = "ttl";

  private final JoinTokens joinTokens;
  private final IdentityRevocations revocations;
  private final PolicyRepository repository;
  private final IdempotentWrites idempotency;

  public IdentityResource(JoinTokens joinTokens, IdentityRevocations revocations,
      PolicyRepository repository, IdempotentWrites idempotency) {
    this.joinTokens = joinTokens;
    this.revocations = revocations;
    this.repository = repository;
    this.idempotency = idempotency;
  }

  @GET
  public IdentityResponse get(@Auth AdminPrincipal caller, @PathParam("service") String service) {
    Service document = service(service);
    return new IdentityResponse(service, document.spec().identity(),
        revocations.get(service).map(IdentityResource::view).orElse(null));
  }

  /**
   * Issues a join token. The response must not be cached anywhere: it carries the token, which
   * exists nowhere else (etcd has its hash).
   */
  @POST
  @Path("join-tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response createJoinToken(@Auth AdminPrincipal caller,
      @PathParam("service") String service, @HeaderParam(Headers.REASON) String reason,
      @Context ContainerRequestContext request, JoinTokenRequest body) {
    WritePermissions.requireSecurityAdmin(caller);
    String why = requireReason(reason);
    Duration ttl = ttl(body);
    Actor actor = new Actor(caller.getName(), why);
    return idempotency.write(caller, request,
        claim -> issue(service, ttl, actor, claim),
        issued -> Response.status(Response.Status.CREATED)
            .cacheControl(noStore())
            .entity(new JoinTokenResponse(service, issued.token().reveal(),
                issued.expiresAt().toString(), issued.revision()))
            .build(),
        record -> alreadyIssued(JoinTokenIssue.of(record)));
  }

  @POST
  @Path("revoke")
  public Response revoke(@Auth AdminPrincipal caller,
      @PathParam("service") String service, @HeaderParam(Headers.REASON) String reason,
      @Context ContainerRequestContext request) {
    WritePermissions.requireSecurityAdmin(caller);
    String why = requireReason(reason);
    Service document = service(service);
    Actor actor = new Actor(caller.getName(), why);
    return idempotency.write(caller, request,
        claim -> revocations.revoke(service, actor, Optional.of(why), claim),
        revocation -> revoked(document, revocation),
        record -> revoked(document, IdentityRevocations.revocationOf(service, record)));
  }

  private IssuedJoinToken issue(String service, Duration ttl, Actor actor,
      Optional<IdempotencyClaim> claim) {
    try {
      return joinTokens.create(service, ttl, actor, actor.reasonOpt(), claim);
    } catch (DocumentNotFoundException e) {
      throw noService(service);
    }
  }

  /**
   * The replay of a join token's issue: the token was in the first answer only (etcd keeps its
   * hash), so a retry is told that it was issued, not given it again.
   */
  private static Response alreadyIssued(JoinTokenIssue issue) {
    int conflict = Response.Status.CONFLICT.getStatusCode();
    return Response.status(conflict)
        .cacheControl(noStore())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(ErrorResponse.of(conflict, "a join token for Service/" + issue.service()
            + " was already issued under this " + Headers.IDEMPOTENCY_KEY + " at revision "
            + issue.revision() + " (token " + issue.tokenFingerprint() + ", expires at "
            + issue.expiresAt() + "). A token is shown only once and is not stored: if its answer "
            + "was lost, create another one with a new key; the lost one expires unused"))
        .build();
  }

  private static Response revoked(Service document, IdentityRevocation revocation) {
    return Response.ok(new IdentityResponse(document.name(), document.spec().identity(),
        view(revocation))).build();
  }

  /** Join token answers must not be cached anywhere: the first carries the token. */
  private static CacheControl noStore() {
    CacheControl noStore = new CacheControl();
    noStore.setNoStore(true);
    return noStore;
  }

  private static Duration ttl(JoinTokenRequest request) {
    if (request == null || request.ttl() == null) {
      return JoinTokens.DEFAULT_TTL;
    }
    Optional<Duration> ttl = Durations.parseSetting(request.ttl());
    if (ttl.isEmpty()
        || ttl.get().compareTo(JoinTokens.MIN_TTL) < 0
        || ttl.get().compareTo(JoinTokens.MAX_TTL) > 0) {
      throw ApiException.unprocessable("invalid join token request", List.of(new ErrorDetail(
          TTL_PATH, "must be a duration between 1m and 24h, like 15m")));
    }
    return ttl.get();
  }

  /** Identity operations are security events: each one says why, for the audit log. */
  private static String requireReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw ApiException.unprocessable("a reason is required", List.of(new ErrorDetail(
          "reason", "required: send the " + Headers.REASON + " header")));
    }
    return reason;
  }

  /**
   * The Service as the xds-servers serve it: a damaged one by its last good version, which is
   * what they keep serving (and the identity their CA signs); with none, it is not in the policy.
   */
  private Service service(String name) {
    StoredVersion version = repository.read(Kind.SERVICE, name).orElseThrow(() -> noService(name));
    if (version instanceof StoredVersion.Valid valid) {
      return (Service) valid.stored().resource();
    }
    DamagedDocument damaged = ((StoredVersion.Damaged) version).damaged();
    return damaged.lastGood()
        .map(good -> (Service) good.resource())
        .orElseThrow(() -> ApiException.notFound("no Service " + name + " in the policy: it is "
            + "damaged (revision " + damaged.modRevision() + ") with no last good version; "
            + "repair it first"));
  }

  private static ApiException noService(String service) {
    return ApiException.notFound("no Service " + service + " in the policy");
  }

  private static IdentityResponse.Revocation view(IdentityRevocation revocation) {
    return new IdentityResponse.Revocation(revocation.revokedAt().toString(), revocation.by(),
        revocation.reason().orElse(null));
  }
}
