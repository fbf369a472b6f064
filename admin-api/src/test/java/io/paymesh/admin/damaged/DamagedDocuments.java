package io.paymesh.admin.damaged;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Damages documents the way an operator editing etcd by hand does, and reads them back raw. */
final class DamagedDocuments {
  static final PolicyCodec CODEC = new PolicyCodec();
  private static final KeyLayout KEYS = new KeyLayout(AdminApp.PREFIX);

  private final EtcdExtension etcd;

  DamagedDocuments(EtcdExtension etcd) {
    this.etcd = etcd;
  }

  /** Creates the sample's first version through the API; its revision. */
  static long create(Http http, KindSamples sample) {
    Http.Reply created = AdminApp.approveIfProposed(http, http.put(sample.path())
        .token(sample.token()).reason("damaged-document test").header("If-None-Match", "*")
        .yaml(sample.first()).send());
    if (created.status() != 201 && created.status() != 200) {
      throw new AssertionError("cannot create " + sample + ": " + created);
    }
    // 201: the document, its revision in the ETag; 200: the approval's commit (four-eyes).
    return created.status() == 201 ? created.etagRevision() : created.json().path("revision").asLong();
  }

  /** Well-formed JSON that no longer decodes: an unknown field in the spec. */
  static String damage(String yaml) throws Exception {
    return CODEC.toJson(CODEC.decode(yaml)).replace("\"spec\":{", "\"spec\":{\"retired\":true,");
  }

  /** Writes {@code value} straight into etcd, around the API; the revision of the write. */
  long putRaw(Kind kind, String name, String value) throws Exception {
    return etcd.client().getKVClient()
        .put(bytes(KEYS.policyKey(kind, name)), bytes(value))
        .get(5, TimeUnit.SECONDS)
        .getHeader()
        .getRevision();
  }

  /** What etcd holds under the document's key now. */
  Optional<KeyValue> stored(Kind kind, String name) throws Exception {
    var kvs = etcd.client().getKVClient().get(bytes(KEYS.policyKey(kind, name)))
        .get(5, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }

  static String text(KeyValue kv) {
    return kv.getValue().toString(StandardCharsets.UTF_8);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
