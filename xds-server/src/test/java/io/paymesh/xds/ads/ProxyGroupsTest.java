package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.BuildVersion;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.type.v3.SemanticVersion;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyGroupsTest {

  private static Node node(String agent, String version) {
    return Node.newBuilder().setId("checkout~a1").setCluster("checkout")
        .setUserAgentName(agent).setUserAgentVersion(version).build();
  }

  private static Node envoy(int major, int minor) {
    return Node.newBuilder().setId("checkout~a1").setCluster("checkout")
        .setUserAgentName("envoy")
        .setUserAgentBuildVersion(BuildVersion.newBuilder().setVersion(
            SemanticVersion.newBuilder().setMajorNumber(major).setMinorNumber(minor)))
        .build();
  }

  @ParameterizedTest
  @CsvSource({
      "envoy, '', ENVOY",
      "'', '', ENVOY",
      "gRPC Java, 1.85.1, GRPC_JAVA",
      "gRPC Node Pure JS, 1.14.1, GRPC_JS",
      "gRPC C-core linux, C-core 29.0.0, GRPC_CORE",
      // A gRPC library paymesh has not tested gets the smallest subset.
      "gRPC Go, 1.70.0, GRPC_CORE",
  })
  void family_comesFromTheUserAgentName(String agent, String version, ClientFamily family) {
    assertThat(ProxyGroups.groupOf(node(agent, version)))
        .isEqualTo(new ProxyGroup("checkout", family));
  }

  @Test
  void service_fallsBackToTheNodeIdPrefix_whenNodeClusterIsEmpty() {
    Node node = Node.newBuilder().setId("ledger~10.0.0.7").setUserAgentName("envoy").build();

    assertThat(ProxyGroups.groupOf(node)).isEqualTo(ProxyGroup.sidecar("ledger"));
  }

  @ParameterizedTest
  @CsvSource({
      "gRPC Java, 1.59.2, 'GRPC_JAVA 1.59.2 is older than the oldest version paymesh serves (1.60)'",
      "gRPC Node Pure JS, 1.9.9, 'GRPC_JS 1.9.9 is older than the oldest version paymesh serves (1.10)'",
      "gRPC C-core linux, C-core 28.0.0, "
          + "'GRPC_CORE C-core 28.0.0 is older than the oldest version paymesh serves (29.0)'",
  })
  void aClientOlderThanItsFamilysMinimum_isRefusedWithTheReason(
      String agent, String version, String reason) {
    assertThat(ClientVersions.tooOld(node(agent, version))).contains(reason);
  }

  @ParameterizedTest
  @CsvSource({
      "gRPC Java, 1.60.0",
      "gRPC Java, 1.85.1",
      "gRPC Node Pure JS, 1.10.0",
      "gRPC Node Pure JS, 1.14.1",
      "gRPC C-core linux, C-core 29.0.0",
      // Versions paymesh cannot read, and libraries without a known minimum, are served.
      "gRPC Java, dev-snapshot",
      "gRPC Go, 0.1.0",
      "gRPC C-core linux, 1.2.3",
  })
  void aClientAtOrAboveItsFamilysMinimum_isServed(String agent, String version) {
    assertThat(ClientVersions.tooOld(node(agent, version))).isEmpty();
  }

  @Test
  void envoy_isJudgedByItsBuildVersion() {
    assertThat(ClientVersions.tooOld(envoy(1, 29)))
        .contains("ENVOY 1.29.0 is older than the oldest version paymesh serves (1.30)");
    assertThat(ClientVersions.tooOld(envoy(1, 30))).isEmpty();
    assertThat(ClientVersions.tooOld(node("envoy", ""))).isEmpty();
  }
}
