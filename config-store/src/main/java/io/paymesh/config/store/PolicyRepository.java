package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The write side of the policy store: stores each document as its canonical JSON under
 * {@code <prefix>policy/<kind>/<name>}. Documents are validated before anything is written, so a
 * write through the repository never produces a document the watcher would reject.
 */
public final class PolicyRepository {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** etcd's default {@code --max-txn-ops}: a larger transaction is refused by the server. */
  public static final int MAX_DOCUMENTS_PER_TRANSACTION = 128;

  private final KV kv;
  private final KeyLayout keys;
  private final PolicyCodec codec;
  private final Duration timeout;

  public PolicyRepository(Client client, String prefix, PolicyCodec codec) {
    this(client, prefix, codec, DEFAULT_TIMEOUT);
  }

  public PolicyRepository(Client client, String prefix, PolicyCodec codec, Duration timeout) {
    this.kv = Objects.requireNonNull(client, "client").getKVClient();
    this.keys = new KeyLayout(prefix);
    this.codec = Objects.requireNonNull(codec, "codec");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public KeyLayout keys() {
    return keys;
  }

  /**
   * Validates and stores one document, replacing any previous version.
   *
   * @return the etcd revision of the write (the document's new mod revision)
   * @throws PolicyValidationException with every problem; nothing is written
   */
  public long put(PolicyResource resource) throws PolicyValidationException {
    String json = canonical(resource);
    return await(kv.put(bytes(keys.policyKey(resource.key())), bytes(json)), timeout,
        "put " + resource.key())
        .getHeader()
        .getRevision();
  }

  /**
   * Validates all documents, then stores them in one etcd transaction: all are written or none.
   * Errors are reported for all documents at once, each path prefixed with the document's
   * {@code Kind/name}.
   *
   * @return the etcd revision of the transaction
   */
  public long putAll(List<PolicyResource> resources) throws PolicyValidationException {
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("nothing to write");
    }
    if (resources.size() > MAX_DOCUMENTS_PER_TRANSACTION) {
      throw new IllegalArgumentException("at most " + MAX_DOCUMENTS_PER_TRANSACTION
          + " documents fit in one etcd transaction, got " + resources.size());
    }
    List<ValidationError> errors = new ArrayList<>();
    List<Op> puts = new ArrayList<>();
    Set<ResourceKey> seen = new HashSet<>();
    for (PolicyResource resource : resources) {
      if (!seen.add(resource.key())) {
        errors.add(new ValidationError(resource.key().toString(), "duplicate document in one write"));
        continue;
      }
      try {
        String json = canonical(resource);
        puts.add(Op.put(bytes(keys.policyKey(resource.key())), bytes(json), PutOption.DEFAULT));
      } catch (PolicyValidationException e) {
        for (ValidationError error : e.errors()) {
          errors.add(new ValidationError(qualified(resource.key(), error.path()), error.message()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyValidationException(errors);
    }
    return await(kv.txn().Then(puts.toArray(Op[]::new)).commit(), timeout,
        "write of " + resources.size() + " documents")
        .getHeader()
        .getRevision();
  }

  /** Deletes one document; false if there was none. */
  public boolean delete(Kind kind, String name) {
    return await(kv.delete(bytes(keys.policyKey(kind, name)), DeleteOption.DEFAULT), timeout,
        "delete " + new ResourceKey(kind, name))
        .getDeleted() > 0;
  }

  /**
   * Reads one document with its mod revision.
   *
   * @throws PolicyValidationException if what is stored does not decode (it was written around
   *     the repository)
   */
  public Optional<StoredDocument> get(Kind kind, String name) throws PolicyValidationException {
    String key = keys.policyKey(kind, name);
    GetResponse response = await(kv.get(bytes(key)), timeout, "get " + key);
    if (response.getKvs().isEmpty()) {
      return Optional.empty();
    }
    KeyValue stored = response.getKvs().get(0);
    PolicyResource resource = codec.decode(string(stored.getValue()));
    return Optional.of(new StoredDocument(key, resource, stored.getModRevision()));
  }

  /** The JSON to store, proven to decode and validate exactly as the watcher will read it. */
  private String canonical(PolicyResource resource) throws PolicyValidationException {
    String json = codec.toJson(resource);
    codec.decode(json);
    return json;
  }

  private static String qualified(ResourceKey key, String path) {
    return path.isEmpty() ? key.toString() : key + "." + path;
  }
}
