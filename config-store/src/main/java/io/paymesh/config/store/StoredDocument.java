package io.paymesh.config.store;

import io.paymesh.config.model.PolicyResource;

/**
 * A policy document as stored in etcd, with the revision it was last written at. The mod revision is
 * the document's version: writers compare it to detect concurrent changes (ETag).
 */
public record StoredDocument(String key, PolicyResource resource, long modRevision) {}
