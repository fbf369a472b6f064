package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Reads the whole policy input (documents and endpoints) at one etcd revision and decodes it. Shared
 * by the watcher's list and the repository's {@code loadSnapshot}, so both see exactly the same
 * documents and rejections.
 */
final class PolicyListing {
  private final KeyLayout keys;
  private final StoredEntryDecoder decoder;

  PolicyListing(KeyLayout keys, StoredEntryDecoder decoder) {
    this.keys = keys;
    this.decoder = decoder;
  }

  /** Both ranges in one read-only transaction: they are read at the same revision R. */
  CompletableFuture<TxnResponse> read(KV kv) {
    GetOption prefixed = GetOption.builder().isPrefix(true).build();
    return kv.txn()
        .Then(
            Op.get(bytes(keys.policyPrefix()), prefixed),
            Op.get(bytes(keys.endpointsPrefix()), prefixed))
        .commit();
  }

  /** Hands every policy-input entry of a {@link #read} to {@code sink}, in key order per range. */
  void decode(TxnResponse response, BiConsumer<String, StoredEntry> sink) {
    for (GetResponse range : response.getGetResponses()) {
      for (KeyValue kv : range.getKvs()) {
        String key = string(kv.getKey());
        decoder
            .decode(key, string(kv.getValue()), kv.getModRevision())
            .ifPresent(entry -> sink.accept(key, entry));
      }
    }
  }
}
