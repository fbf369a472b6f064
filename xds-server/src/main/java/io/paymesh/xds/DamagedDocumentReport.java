package io.paymesh.xds;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.RejectedDocument;
import io.paymesh.xds.metrics.XdsMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the damaged documents of each policy snapshot this replica serves: documents in etcd
 * that no longer decode or validate (written around the admin API). Each is logged once per
 * change, with its key, revisions and reasons, and counted in two gauges (JMX and Prometheus). The snapshot itself
 * already serves each one's last good version where one is known ({@link RejectedDocument}).
 *
 * <p>Reasons are validation messages, which name fields rather than quote values; they are still
 * escaped and bounded like any client string, since the stored text is not ours.
 */
final class DamagedDocumentReport {
  /** Damaged documents in the policy now, kept or not. */
  static final String DAMAGED = XdsMetrics.JMX_DAMAGED;
  /** Damaged documents with no last good version: left out of what proxies get. */
  static final String NOTHING_KEPT = XdsMetrics.JMX_NOTHING_KEPT;
  private static final int MAX_REASONS_LENGTH = 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DamagedDocumentReport.class);

  // Confined to the watcher thread (the only caller of update); the gauges read the volatiles.
  private Map<String, RejectedDocument> reported = Map.of();
  private volatile int damaged;
  private volatile int nothingKept;

  DamagedDocumentReport(XdsMetrics metrics) {
    metrics.countDamagedDocuments(() -> damaged, () -> nothingKept);
  }

  /** Called with every snapshot, before it is published. */
  void update(PolicySnapshot policy) {
    Map<String, RejectedDocument> now = new HashMap<>();
    for (RejectedDocument document : policy.rejected()) {
      now.put(document.key(), document);
      if (!document.equals(reported.get(document.key()))) {
        log(document);
      }
    }
    for (String key : reported.keySet()) {
      if (!now.containsKey(key)) {
        LOG.info("{} is no longer damaged (revision {})", ClientStrings.forLog(key),
            policy.revision());
      }
    }
    reported = Map.copyOf(now);
    List<RejectedDocument> all = policy.rejected();
    damaged = all.size();
    nothingKept = (int) all.stream().filter(RejectedDocument::nothingKept).count();
  }

  private static void log(RejectedDocument document) {
    String reasons = ClientStrings.forLog(String.join("; ", document.errors()), MAX_REASONS_LENGTH);
    String key = ClientStrings.forLog(document.key());
    if (document.nothingKept()) {
      LOG.error("Damaged document {} at revision {} has no last good version: it is left out of "
          + "every proxy's config until repaired or deleted; reasons: {}", key,
          document.modRevision(), reasons);
    } else {
      LOG.warn("Damaged document {} at revision {}: serving its last good version of revision {} "
          + "until repaired or deleted; reasons: {}", key, document.modRevision(),
          document.keptModRevision().getAsLong(), reasons);
    }
  }
}
