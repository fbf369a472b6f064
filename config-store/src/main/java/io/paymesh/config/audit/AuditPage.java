package io.paymesh.config.audit;

import java.util.List;
import java.util.Optional;

/**
 * One page of the audit log in ascending revision order.
 *
 * @param nextAfterRevision present when more entries follow: pass it as {@code afterRevision} to
 *     read the next page
 */
public record AuditPage(List<AuditEntry> entries, Optional<Long> nextAfterRevision) {
  public AuditPage {
    entries = List.copyOf(entries);
  }
}
