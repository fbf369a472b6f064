package io.paymesh.admin.resources;

import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.IdentityResponse;
import io.paymesh.admin.api.JoinTokenRequest;
import io.paymesh.admin.api.JoinTokenResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.WritePermissions;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.identity.IdentityRevocation;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.IssuedJoinToken;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.DocumentNotFoundException;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.validation.Durations;
import io.paymesh.config.validation.PolicyValidationException;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/identities/{service}}: workload identity operations. A security admin creates a
 * one-time join token with which a workload agent obtains its first certificate, or revokes a
 * Service's identity so that none of its certificates is renewed. Both need a reason and are
 * audited in the same etcd transaction; any role may read a Service's identity state.
 */
@Path("/v1/identities/{service}")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class IdentityResource {
  static final String TTL_PATH = "ttl";

  private final JoinTokens joinTokens;
  private final IdentityRevocations revocations;
  private final PolicyRepository repository;

  public IdentityResource(
      JoinTokens joinTokens, IdentityRevocations revocations, PolicyRepository repository) {
    this.joinTokens = joinTokens;
    this.revocations = revocations;
    this.repository = repository;
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
      JoinTokenRequest request) {
    WritePermissions.requireSecurityAdmin(caller);
    String why = requireReason(reason);
    Duration ttl = ttl(request);
    IssuedJoinToken issued;
    try {
      issued = joinTokens.create(service, ttl, new Actor(caller.getName(), why), Optional.of(why));
    } catch (DocumentNotFoundException e) {
      throw noService(service);
    }
    CacheControl noStore = new CacheControl();
    noStore.setNoStore(true);
    return Response.status(Response.Status.CREATED)
        .cacheControl(noStore)
        .entity(new JoinTokenResponse(service, issued.token().reveal(),
            issued.expiresAt().toString(), issued.revision()))
        .build();
  }

  @POST
  @Path("revoke")
  public IdentityResponse revoke(@Auth AdminPrincipal caller,
      @PathParam("service") String service, @HeaderParam(Headers.REASON) String reason) {
    WritePermissions.requireSecurityAdmin(caller);
    String why = requireReason(reason);
    Service document = service(service);
    IdentityRevocation revocation =
        revocations.revoke(service, new Actor(caller.getName(), why), Optional.of(why));
    return new IdentityResponse(service, document.spec().identity(), view(revocation));
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

  private Service service(String name) {
    try {
      return repository.get(Kind.SERVICE, name)
          .map(stored -> (Service) stored.resource())
          .orElseThrow(() -> noService(name));
    } catch (PolicyValidationException e) {
      // Written around the API and invalid under the current rules: the watchers reject it too.
      throw new IllegalStateException("Service/" + name + " is stored but does not decode");
    }
  }

  private static ApiException noService(String service) {
    return ApiException.notFound("no Service " + service + " in the policy");
  }

  private static IdentityResponse.Revocation view(IdentityRevocation revocation) {
    return new IdentityResponse.Revocation(revocation.revokedAt().toString(), revocation.by(),
        revocation.reason().orElse(null));
  }
}
