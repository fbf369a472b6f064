package io.paymesh.config.store;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns one etcd key/value into snapshot input. A value that does not decode, does not validate, or
 * does not match its key becomes a {@link RejectedDocument} with every reason, so one bad document
 * written straight to etcd never takes the rest of the policy down with it.
 */
final class StoredEntryDecoder {
  private final KeyLayout keys;
  private final PolicyCodec codec;

  StoredEntryDecoder(KeyLayout keys, PolicyCodec codec) {
    this.keys = keys;
    this.codec = codec;
  }

  /** Empty for keys that are not policy input (status, audit, anything outside the prefix). */
  Optional<StoredEntry> decode(String key, String value, long modRevision) {
    Optional<StoreKey> parsed = keys.parse(key);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    StoreKey storeKey = parsed.get();
    if (storeKey instanceof StoreKey.Policy policy) {
      return Optional.of(decodeDocument(key, policy.resource(), value, modRevision));
    } else if (storeKey instanceof StoreKey.EndpointInstance instance) {
      return Optional.of(decodeEndpoint(key, instance, value, modRevision));
    } else if (storeKey instanceof StoreKey.Malformed malformed) {
      return Optional.of(rejected(key, modRevision, List.of(malformed.reason()), Optional.empty()));
    } else if (storeKey instanceof StoreKey.Other) {
      return Optional.empty();
    }
    throw new AssertionError("unhandled key type " + storeKey);
  }

  /** The document stored under {@code key}, if it is one the watcher accepts. */
  Optional<PolicyResource> acceptedDocument(String key, String value, long modRevision) {
    return decode(key, value, modRevision)
        .filter(StoredEntry.Document.class::isInstance)
        .map(entry -> ((StoredEntry.Document) entry).resource());
  }

  private StoredEntry decodeDocument(
      String key, ResourceKey expected, String value, long modRevision) {
    PolicyResource resource;
    try {
      resource = codec.decode(value);
    } catch (PolicyValidationException e) {
      return rejected(key, modRevision, reasons(e.errors()), Optional.of(expected));
    } catch (RuntimeException e) {
      // The codec reports bad input as PolicyValidationException; anything else is still the
      // document's fault as far as the mesh is concerned, and must not stop the watcher. Only
      // the exception's type: its message may quote the stored text.
      return rejected(key, modRevision,
          List.of("cannot decode: " + e.getClass().getSimpleName()), Optional.of(expected));
    }
    List<String> mismatch = new ArrayList<>();
    if (resource.kind() != expected.kind()) {
      mismatch.add("kind: must be " + expected.kind().wireName() + " under this key, was "
          + resource.kind().wireName());
    }
    if (!resource.name().equals(expected.name())) {
      mismatch.add("name: must be " + expected.name() + " under this key, was " + resource.name());
    }
    if (!mismatch.isEmpty()) {
      return rejected(key, modRevision, mismatch, Optional.of(expected));
    }
    return new StoredEntry.Document(resource, modRevision);
  }

  private static StoredEntry decodeEndpoint(
      String key, StoreKey.EndpointInstance instance, String value, long modRevision) {
    try {
      return new StoredEntry.Instance(
          EndpointCodec.decode(instance.service(), instance.id(), value));
    } catch (PolicyValidationException e) {
      return rejected(key, modRevision, reasons(e.errors()), Optional.empty());
    }
  }

  private static List<String> reasons(List<ValidationError> errors) {
    return errors.stream().map(ValidationError::toString).toList();
  }

  private static StoredEntry rejected(String key, long modRevision, List<String> reasons,
      Optional<ResourceKey> policyDocument) {
    return new StoredEntry.Rejected(new RejectedDocument(key, modRevision, reasons),
        policyDocument);
  }
}
