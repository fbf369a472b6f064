package io.paymesh.admin.api;

import java.util.List;

/** The answer to an apply, delete or rollback: the etcd revision and what each document became. */
public record CommitResponse(long revision, List<Committed> changes) {

  public CommitResponse {
    changes = List.copyOf(changes);
  }

  /** One committed document: CREATE, UPDATE, DELETE or ROLLBACK. */
  public record Committed(String kind, String name, String operation, long revision) {}
}
