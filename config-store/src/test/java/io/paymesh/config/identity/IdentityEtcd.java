package io.paymesh.config.identity;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.PolicyRepository;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** etcd fixtures of the identity store tests: Service documents and raw reads of every key. */
final class IdentityEtcd {
  static final String PREFIX = "/paymesh/";

  private IdentityEtcd() {}

  static void writeServices(Client client, String... names) throws Exception {
    PolicyCodec codec = new PolicyCodec();
    List<String> documents = new ArrayList<>();
    for (String name : names) {
      documents.add("""
          kind: Service
          name: %1$s
          spec:
            ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
            identity: spiffe://paymesh.local/ns/payments/sa/%1$s
            pciScope: CDE
            dependencies: []
          """.formatted(name));
    }
    new PolicyRepository(client, PREFIX, codec)
        .putAll(codec.decodeAll(String.join("---\n", documents)));
  }

  /** Every key and value in the store, as text. */
  static Map<String, String> everything(Client client) throws Exception {
    ByteSequence all = ByteSequence.from(new byte[] {0});
    List<KeyValue> kvs = client.getKVClient()
        .get(all, GetOption.builder().withRange(all).build())
        .get(10, TimeUnit.SECONDS).getKvs();
    Map<String, String> map = new TreeMap<>();
    for (KeyValue kv : kvs) {
      map.put(kv.getKey().toString(StandardCharsets.UTF_8),
          kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return map;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
