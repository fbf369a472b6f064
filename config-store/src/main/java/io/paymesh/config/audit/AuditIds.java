package io.paymesh.config.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Ids of the audit keys of one commit: {@code <epoch millis, 13 digits>-<random>-<index>}. Time
 * ordered so a raw listing of the prefix reads roughly chronologically, unique across writers
 * without coordination (the random part), and distinct within one transaction (the index; etcd
 * refuses a transaction that puts one key twice).
 */
public final class AuditIds {
  private static final int RANDOM_CHARS = 12;

  private AuditIds() {}

  public static List<String> forCommit(Instant at, int count) {
    String base = String.format("%013d-%s", at.toEpochMilli(),
        UUID.randomUUID().toString().replace("-", "").substring(0, RANDOM_CHARS));
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(String.format("%s-%03d", base, i));
    }
    return List.copyOf(ids);
  }
}
