package io.paymesh.config.store;

import io.paymesh.config.model.ResourceKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy document whose stored version does not decode, validate or match its key (it was
 * written around the repository), as an operator needs to see it to repair it.
 *
 * @param document the kind and name its key names
 * @param modRevision the revision of the damaged version: a repair must send it as If-Match
 * @param storedText what is stored, as text, exactly
 * @param errors path-qualified reasons it is refused
 * @param lastGood the version the xds-servers serve in its place, if any (see
 *     {@link RejectedDocument})
 */
public record DamagedDocument(ResourceKey document, String key, long modRevision,
    String storedText, List<String> errors, Optional<StoredDocument> lastGood) {
  public DamagedDocument {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(storedText, "storedText");
    errors = List.copyOf(errors);
    Objects.requireNonNull(lastGood, "lastGood");
  }
}
