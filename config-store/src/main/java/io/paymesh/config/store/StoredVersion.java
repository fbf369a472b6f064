package io.paymesh.config.store;

import io.paymesh.config.model.ResourceKey;

/** What one policy document key holds now: a valid document, or a damaged one. */
public sealed interface StoredVersion {

  ResourceKey document();

  /** The revision of what is stored now (its ETag), valid or damaged. */
  long modRevision();

  record Valid(StoredDocument stored) implements StoredVersion {
    @Override
    public ResourceKey document() {
      return stored.resource().key();
    }

    @Override
    public long modRevision() {
      return stored.modRevision();
    }
  }

  record Damaged(DamagedDocument damaged) implements StoredVersion {
    @Override
    public ResourceKey document() {
      return damaged.document();
    }

    @Override
    public long modRevision() {
      return damaged.modRevision();
    }
  }
}
