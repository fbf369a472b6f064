package io.paymesh.admin.api;

import java.util.List;

/** {@code GET /v1/proposals}: every pending proposal, oldest first. */
public record ProposalListResponse(List<ProposalResponse> items) {
  public ProposalListResponse {
    items = List.copyOf(items);
  }
}
