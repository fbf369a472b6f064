package io.paymesh.admin.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.ProposalListResponse;
import io.paymesh.admin.api.ProposalResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.Role;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.policy.PolicyWriter;
import io.paymesh.config.proposal.Proposals;
import io.paymesh.config.proposal.StoredProposal;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Four-eyes approval under {@code /v1/proposals}: every token may list and read the pending
 * proposals; a security admin other than the proposer approves one (it is then committed, see
 * {@link PolicyWriter#approve}); the proposer or any security admin withdraws one.
 */
@Path("/v1/proposals")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class ProposalResource {

  private static final Logger LOG = LoggerFactory.getLogger(ProposalResource.class);

  private final Proposals proposals;
  private final PolicyWriter writer;
  private final WriteResponses responses;

  public ProposalResource(Proposals proposals, PolicyWriter writer, ObjectMapper mapper) {
    this.proposals = proposals;
    this.writer = writer;
    this.responses = new WriteResponses(mapper);
  }

  @GET
  public ProposalListResponse list(@Auth AdminPrincipal caller) {
    return new ProposalListResponse(
        proposals.list().stream().map(p -> responses.view(p.proposal())).toList());
  }

  @GET
  @Path("{id}")
  public ProposalResponse get(@Auth AdminPrincipal caller, @PathParam("id") String id) {
    return responses.view(pending(id).proposal());
  }

  @POST
  @Path("{id}/approve")
  @Consumes(MediaType.WILDCARD)
  public Response approve(@Auth AdminPrincipal caller, @PathParam("id") String id,
      @HeaderParam(Headers.REASON) String reason) {
    return Response.ok(PolicyWriter.view(writer.approve(id, caller, Optional.ofNullable(reason))))
        .build();
  }

  @DELETE
  @Path("{id}")
  public Response withdraw(@Auth AdminPrincipal caller, @PathParam("id") String id) {
    StoredProposal stored = pending(id);
    boolean securityAdmin = caller.has(Role.SECURITY_ADMIN) || caller.has(Role.ADMIN);
    if (!securityAdmin && !stored.proposal().proposer().equals(caller.getName())) {
      throw ApiException.forbidden("only its proposer or a security admin may withdraw a proposal");
    }
    if (!proposals.withdraw(id, stored.modRevision())) {
      throw ApiException.conflict("proposal " + id
          + " is no longer pending: it was approved, withdrawn or expired meanwhile");
    }
    LOG.info("Proposal {} by {} withdrawn by {}", id, stored.proposal().proposer(),
        caller.getName());
    return Response.noContent().build();
  }

  private StoredProposal pending(String id) {
    return proposals.get(id).orElseThrow(() -> ApiException.notFound("no pending proposal " + id));
  }
}
