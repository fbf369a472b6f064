package io.paymesh.xds.status;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
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
    List<KeyValue> kvs =
        await(client.getKVClient().get(bytes(keys.root()),
            GetOption.builder().isPrefix(true).build()), timeout, "list proxy status")
            .getKvs();
    List<ProxyStatusRecord> records = new ArrayList<>();
    for (KeyValue kv : kvs) {
      decode(kv).ifPresent(records::add);
    }
    records.sort(Comparator.comparing(ProxyStatusRecord::nodeId));
    return List.copyOf(records);
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
