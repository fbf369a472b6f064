package io.paymesh.admin.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.admin.api.ProposalResponse;
import io.paymesh.config.proposal.Proposal;
import io.paymesh.config.proposal.StoredProposal;
import jakarta.ws.rs.core.Response;
import java.net.URI;

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
