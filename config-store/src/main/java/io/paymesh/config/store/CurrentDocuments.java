package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Second step of a commit: reads the current version of every document a commit touches, all at
 * one revision. The mod revisions read here are what the commit's transaction compares against,
 * so the {@code before} it records is exactly what it replaced.
 */
final class CurrentDocuments {
  private final KV kv;
  private final KeyLayout keys;
  private final StoredEntryDecoder decoder;
  private final Duration timeout;

  CurrentDocuments(KV kv, KeyLayout keys, StoredEntryDecoder decoder, Duration timeout) {
    this.kv = kv;
    this.keys = keys;
    this.decoder = decoder;
    this.timeout = timeout;
  }

  /**
   * One stored version.
   *
   * @param modRevision 0 when the document does not exist
   * @param resource empty when absent, or when what is stored is rejected by the watcher too
   */
  record Version(long modRevision, Optional<PolicyResource> resource) {
    static final Version ABSENT = new Version(0, Optional.empty());

    boolean exists() {
      return modRevision != 0;
    }
  }

  Map<ResourceKey, Version> read(List<ResourceKey> documents) {
    Op[] gets =
        documents.stream()
            .map(key -> Op.get(bytes(keys.policyKey(key)), GetOption.DEFAULT))
            .toArray(Op[]::new);
    TxnResponse response =
        await(kv.txn().Then(gets).commit(), timeout, "read " + documents.size() + " documents");
    List<GetResponse> ranges = response.getGetResponses();
    Map<ResourceKey, Version> versions = new HashMap<>();
    for (int i = 0; i < documents.size(); i++) {
      List<KeyValue> kvs = ranges.get(i).getKvs();
      versions.put(documents.get(i), kvs.isEmpty() ? Version.ABSENT : version(kvs.get(0)));
    }
    return versions;
  }

  private Version version(KeyValue stored) {
    Optional<PolicyResource> resource =
        decoder.acceptedDocument(
            string(stored.getKey()), string(stored.getValue()), stored.getModRevision());
    return new Version(stored.getModRevision(), resource);
  }
}
