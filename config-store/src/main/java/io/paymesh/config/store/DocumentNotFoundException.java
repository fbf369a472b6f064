package io.paymesh.config.store;

import io.paymesh.config.model.ResourceKey;

/** A change needed an existing document (a delete) and there is none (HTTP 404); nothing written. */
public final class DocumentNotFoundException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ResourceKey key;

  public DocumentNotFoundException(ResourceKey key) {
    super(key + ": no such document");
    this.key = key;
  }

  public ResourceKey key() {
    return key;
  }
}
