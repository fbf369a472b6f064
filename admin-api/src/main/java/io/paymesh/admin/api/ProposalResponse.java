package io.paymesh.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A change waiting for a second security admin (four-eyes): the answer of a write that was
 * proposed instead of committed (202), and of {@code GET /v1/proposals/{id}}. Approve it with
 * {@code POST /v1/proposals/{id}/approve}.
 *
 * @param createdAt ISO-8601
 * @param expiresAt ISO-8601: after this the proposal is gone and cannot be approved
 * @param securityChanges what made the change need approval
 */
public record ProposalResponse(String id, String proposer, String reason, String createdAt,
    String expiresAt, boolean rollback, List<Document> documents, List<String> securityChanges) {

  public ProposalResponse {
    documents = List.copyOf(documents);
    securityChanges = List.copyOf(securityChanges);
  }

  /**
   * One proposed document.
   *
   * @param operation PUT or DELETE
   * @param expectedRevision the document's revision when proposed (0: it did not exist); the
   *     approval fails if the document moved since
   * @param after the proposed document; null for a delete
   */
  public record Document(String kind, String name, String operation, long expectedRevision,
      JsonNode after) {}
}
