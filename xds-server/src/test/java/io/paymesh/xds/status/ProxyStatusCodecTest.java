package io.paymesh.xds.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyStatusCodecTest {
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final Instant CONNECTED = Instant.parse("2026-11-23T02:00:00Z");
  private static final Instant UPDATED = Instant.parse("2026-11-23T02:00:01.250Z");

  private static ProxyStatusRecord nacked() {
    return new ProxyStatusRecord("checkout~a1", "checkout", "ENVOY", "xds-1",
        Map.of(LDS, "1111", CDS, "2222"),
        Optional.of(new NackRecord(CDS, "3333", "cluster stripe: unsupported", UPDATED)),
        2, CONNECTED, UPDATED);
  }

  @Test
  void toJson_usesTheDocumentedFieldNames_withTypesSorted() {
    assertThat(ProxyStatusCodec.toJson(nacked())).isEqualTo(
        "{\"nodeId\":\"checkout~a1\",\"service\":\"checkout\",\"client\":\"ENVOY\","
            + "\"form\":\"SIDECAR\","
            + "\"replica\":\"xds-1\",\"ackedVersions\":{\"" + CDS + "\":\"2222\",\"" + LDS
            + "\":\"1111\"},\"lastNack\":{\"typeUrl\":\"" + CDS + "\",\"version\":\"3333\","
            + "\"errorDetail\":\"cluster stripe: unsupported\","
            + "\"at\":\"2026-11-23T02:00:01.250Z\"},"
            + "\"nackCount\":2,\"connectedAt\":\"2026-11-23T02:00:00Z\","
            + "\"updatedAt\":\"2026-11-23T02:00:01.250Z\"}");
  }

  @Test
  void roundTrip_keepsEveryField() {
    ProxyStatusRecord record = nacked();

    assertThat(ProxyStatusCodec.fromJson(ProxyStatusCodec.toJson(record))).isEqualTo(record);
  }

  @Test
  void roundTrip_withoutNack_leavesLastNackOut() {
    ProxyStatusRecord record = new ProxyStatusRecord("payments~p1", "payments", "GRPC_JS",
        "xds-2", Map.of(), Optional.empty(), 0, CONNECTED, CONNECTED);

    String json = ProxyStatusCodec.toJson(record);

    assertThat(json).doesNotContain("lastNack");
    assertThat(ProxyStatusCodec.fromJson(json)).isEqualTo(record);
  }

  @Test
  void fromJson_ignoresUnknownFields() {
    String json = ProxyStatusCodec.toJson(nacked()).replace("{\"nodeId\"",
        "{\"addedByANewerReplica\":true,\"nodeId\"");

    assertThat(ProxyStatusCodec.fromJson(json)).isEqualTo(nacked());
  }

  @Test
  void fromJson_whenAFieldIsMissing_namesIt() {
    String json = ProxyStatusCodec.toJson(nacked()).replace("\"replica\":\"xds-1\",", "");

    assertThatThrownBy(() -> ProxyStatusCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replica: required string");
  }

  @Test
  void fromJson_whenTheNackTimeIsMalformed_namesItsPath() {
    String json = ProxyStatusCodec.toJson(nacked())
        .replace("\"at\":\"2026-11-23T02:00:01.250Z\"", "\"at\":\"yesterday\"");

    assertThatThrownBy(() -> ProxyStatusCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lastNack.at: not an ISO-8601 instant: yesterday");
  }

  @Test
  void fromJson_whenNotAnObject_saysSo() {
    assertThatThrownBy(() -> ProxyStatusCodec.fromJson("[1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a JSON object");
  }

  @Test
  void group_isTheServiceForItsClientFamily() {
    assertThat(nacked().group()).isEqualTo(ProxyGroup.sidecar("checkout"));
  }

  @Test
  void fromJson_ofARecordWithoutClient_readsTheFamilyItsFormWasServedAs() {
    String sidecar = ProxyStatusCodec.toJson(nacked()).replace("\"client\":\"ENVOY\",", "");
    String proxyless = sidecar.replace("\"form\":\"SIDECAR\"", "\"form\":\"PROXYLESS\"");

    assertThat(ProxyStatusCodec.fromJson(sidecar).client()).isEqualTo("ENVOY");
    assertThat(ProxyStatusCodec.fromJson(proxyless).group())
        .isEqualTo(new ProxyGroup("checkout", ClientFamily.GRPC_JAVA));
  }

  @Test
  void fromJson_ofAnUnknownFormWithoutClient_namesTheField() {
    String json = ProxyStatusCodec.toJson(nacked()).replace("\"client\":\"ENVOY\",", "")
        .replace("\"form\":\"SIDECAR\"", "\"form\":\"GATEWAY\"");

    assertThatThrownBy(() -> ProxyStatusCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("form: unknown form GATEWAY");
  }

  @Test
  void key_escapesSlashesAndPercentOnly() {
    ProxyStatusKeys keys = new ProxyStatusKeys("/paymesh/");

    assertThat(keys.key("checkout~10.0.0.1~pod.ns")).isEqualTo(
        "/paymesh/status/proxies/checkout~10.0.0.1~pod.ns");
    assertThat(keys.key("a/b%c")).isEqualTo("/paymesh/status/proxies/a%2Fb%25c");
  }
}
