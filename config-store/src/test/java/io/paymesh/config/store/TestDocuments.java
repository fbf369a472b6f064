package io.paymesh.config.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Policy documents and raw etcd writes shared by the store tests. */
final class TestDocuments {
  static final String PREFIX = EtcdSettings.DEFAULT_PREFIX;
  static final KeyLayout KEYS = new KeyLayout(PREFIX);

  private TestDocuments() {}

  /** A valid Service document as JSON, the form the repository stores. */
  static String serviceJson(String name) {
    return """
        {"kind":"Service","name":"%s","spec":{
          "ports":[{"name":"grpc","port":8443,"targetPort":9090,"protocol":"GRPC"}],
          "identity":"spiffe://paymesh.local/ns/payments/sa/%s",
          "pciScope":"NONE",
          "dependencies":[]}}
        """.formatted(name, name);
  }

  /** The same Service as YAML, the form operators write. */
  static String serviceYaml(String name) {
    return """
        kind: Service
        name: %s
        spec:
          ports:
            - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
          identity: spiffe://paymesh.local/ns/payments/sa/%s
          pciScope: NONE
          dependencies: []
        """.formatted(name, name);
  }

  /** A valid Service record with the given egress dependencies. */
  static Service service(String name, List<String> dependencies) {
    return new Service(name, new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)),
        "spiffe://paymesh.local/ns/payments/sa/" + name, PciScope.NONE, dependencies,
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
  }

  /** The same service with one more dependency: a change a writer can make without losing others'. */
  static Service withDependency(Service service, String dependency) {
    List<String> dependencies = new ArrayList<>(service.spec().dependencies());
    dependencies.add(dependency);
    return service(service.name(), dependencies);
  }

  static String serviceKey(String name) {
    return KEYS.policyKey(io.paymesh.config.model.Kind.SERVICE, name);
  }

  static long put(Client client, String key, String value) throws Exception {
    return client
        .getKVClient()
        .put(bytes(key), bytes(value))
        .get(10, TimeUnit.SECONDS)
        .getHeader()
        .getRevision();
  }

  static long delete(Client client, String key) throws Exception {
    return client.getKVClient().delete(bytes(key)).get(10, TimeUnit.SECONDS).getHeader()
        .getRevision();
  }

  static boolean exists(Client client, String key) throws Exception {
    return client.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getCount() > 0;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
