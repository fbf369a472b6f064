package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /**
   * Hands every policy-input entry of a {@link #read} to {@code sink}, in key order per range,
   * on the calling thread. The entries are decoded and validated in parallel first: each is
   * independent, and at thousands of documents this is the longest part of a replica's start.
   */
  void decode(TxnResponse response, BiConsumer<String, StoredEntry> sink) {
    List<KeyValue> listed = new ArrayList<>();
    for (GetResponse range : response.getGetResponses()) {
      listed.addAll(range.getKvs());
    }
    List<Decoded> decoded = listed.parallelStream()
        .map(kv -> {
          String key = string(kv.getKey());
          return new Decoded(key, decoder.decode(key, string(kv.getValue()), kv.getModRevision()));
        })
        .toList();
    for (Decoded d : decoded) {
      d.entry().ifPresent(entry -> sink.accept(d.key(), entry));
    }
  }

  private record Decoded(String key, Optional<StoredEntry> entry) {}
}
