package io.paymesh.admin.policy;

import io.paymesh.config.model.ResourceKey;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One security-relevant part of a write, found by {@link SecurityRelevantChanges}.
 *
 * @param document the document that changes
 * @param path the field that makes it security-relevant, e.g. {@code spec.identity}
 * @param description what changes, for the operator and the proposal, e.g. {@code identity
 *     changes from spiffe://a to spiffe://b}
 * @param cde the CDE services and processors it concerns; empty if it concerns none
 */
public record SecurityChange(ResourceKey document, String path, String description,
    SortedSet<String> cde) {
  public SecurityChange {
    Objects.requireNonNull(document, "document");
    cde = new TreeSet<>(cde);
  }

  public boolean concernsCde() {
    return !cde.isEmpty();
  }

  /** {@code Service/payments spec.identity: identity changes from ... (CDE: payments)}. */
  public String summary() {
    return document + " " + path + ": " + description
        + (cde.isEmpty() ? "" : " (CDE: " + String.join(", ", cde) + ")");
  }
}
