package io.paymesh.admin.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.admin.api.ProposalResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.idempotency.IdempotentWrites;
import io.paymesh.admin.policy.WriteOutcome;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.proposal.Proposal;
import io.paymesh.config.proposal.StoredProposal;
import io.paymesh.config.store.CommitSummary;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP form of a write that was proposed rather than committed: 202 Accepted, the proposal
 * as the body and its URL in {@code Location}, so that a client that only checks for 2xx still
 * sees it did not take effect yet.
 */
final class WriteResponses {

  static final String PROPOSALS_PATH = "/v1/proposals/";

  private final ObjectMapper mapper;

  WriteResponses(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * A policy write under the request's Idempotency-Key: the commit's answer comes from
   * {@code committed} (also on a replay, from the stored record); a proposal is 202.
   */
  Response write(IdempotentWrites idempotency, AdminPrincipal caller,
      ContainerRequestContext request, Function<Optional<IdempotencyClaim>, WriteOutcome> write,
      Function<CommitSummary, Response> committed) {
    return idempotency.write(caller, request, write,
        outcome -> outcome instanceof WriteOutcome.Proposed proposed
            ? proposed(proposed.proposal())
            : committed.apply(((WriteOutcome.Committed) outcome).result().summary()),
        record -> committed.apply(CommitSummary.of(record)));
  }

  Response proposed(StoredProposal stored) {
    return Response.accepted(view(stored.proposal()))
        .location(URI.create(PROPOSALS_PATH + stored.proposal().id()))
        .build();
  }

  ProposalResponse view(Proposal proposal) {
    return new ProposalResponse(proposal.id(), proposal.proposer(), proposal.reason(),
        proposal.createdAt().toString(), proposal.expiresAt().toString(), proposal.rollback(),
        proposal.changes().stream()
            .map(c -> new ProposalResponse.Document(c.key().kind().wireName(), c.key().name(),
                c.afterJson().isPresent() ? "PUT" : "DELETE", c.expectedModRevision(),
                c.afterJson().map(this::tree).orElse(null)))
            .toList(),
        proposal.securityChanges());
  }

  private com.fasterxml.jackson.databind.JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored proposal's document does not parse", e);
    }
  }
}
