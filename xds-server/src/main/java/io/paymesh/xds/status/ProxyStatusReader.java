package io.paymesh.xds.status;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin side of proxy status: reads the records every xds-server replica keeps under
 * {@code <prefix>status/proxies/}. A record exists while its proxy's ADS stream is open and its
 * replica is alive (the replica's lease deletes the records of a replica that died).
 */
public final class ProxyStatusReader {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyStatusReader.class);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Records read per etcd request. A record is under a kilobyte; one range of 10,000 would be
   * about 6 MB, more than a gRPC client takes in one message (4 MiB by default).
   */
  static final int PAGE = 500;

  private final Client client;
  private final ProxyStatusKeys keys;
  private final Duration timeout;

  public ProxyStatusReader(Client client, String prefix) {
    this(client, prefix, DEFAULT_TIMEOUT);
  }

  public ProxyStatusReader(Client client, String prefix, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = new ProxyStatusKeys(prefix);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Every connected proxy of every replica, sorted by node id. A record that cannot be read (a
   * foreign or corrupt key) is left out and logged, so one bad key does not hide the others.
   *
   * @throws io.paymesh.config.store.PolicyStoreException when etcd cannot be read
   */
  public List<ProxyStatusRecord> list() {
    ByteSequence root = bytes(keys.root());
    ByteSequence end = prefixEnd(root);
    List<ProxyStatusRecord> records = new ArrayList<>();
    ByteSequence from = root;
    long revision = 0;
    while (true) {
      // Every page at the revision of the first, so the list is one consistent view.
      GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE)
          .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND);
      if (revision > 0) {
        option.withRevision(revision);
      }
      GetResponse page =
          await(client.getKVClient().get(from, option.build()), timeout, "list proxy status");
      revision = page.getHeader().getRevision();
      List<KeyValue> kvs = page.getKvs();
      kvs.forEach(kv -> decode(kv).ifPresent(records::add));
      if (!page.isMore() || kvs.isEmpty()) {
        break;
      }
      // The next page starts right after the last key read.
      from = kvs.get(kvs.size() - 1).getKey().concat(ByteSequence.from(new byte[] {0}));
    }
    records.sort(Comparator.comparing(ProxyStatusRecord::nodeId));
    return List.copyOf(records);
  }

  /** The first key after every key that starts with {@code prefix} (etcd's prefix range end). */
  private static ByteSequence prefixEnd(ByteSequence prefix) {
    byte[] end = prefix.getBytes();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteSequence.from(Arrays.copyOf(end, i + 1));
      }
    }
    return ByteSequence.from(new byte[] {0}); // No end: every key after the prefix.
  }

  /**
   * The record of one node, empty if it is not connected to any replica.
   *
   * @throws io.paymesh.config.store.PolicyStoreException when etcd cannot be read
   */
  public Optional<ProxyStatusRecord> get(String nodeId) {
    List<KeyValue> kvs =
        await(client.getKVClient().get(bytes(keys.key(nodeId))), timeout,
            "read proxy status of " + nodeId).getKvs();
    return kvs.isEmpty() ? Optional.empty() : decode(kvs.get(0));
  }

  private static Optional<ProxyStatusRecord> decode(KeyValue kv) {
    try {
      return Optional.of(ProxyStatusCodec.fromJson(string(kv.getValue())));
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring unreadable proxy status at {}: {}", string(kv.getKey()), e.getMessage());
      return Optional.empty();
    }
  }
}
