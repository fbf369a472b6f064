package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Extension;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every limit of {@link AdsRequestLimits} at its boundary, and what a refusal says. */
class AdsRequestLimitsTest {
  private static final Node NODE =
      Node.newBuilder().setId("checkout~pod-1").setCluster("checkout").build();

  private static DiscoveryRequest.Builder request() {
    return DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL);
  }

  private static Optional<String> refusal(DiscoveryRequest.Builder request) {
    Optional<Status> status = AdsRequestLimits.check(request.build());
    status.ifPresent(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    return status.map(Status::getDescription);
  }

  @Test
  void check_whenEveryFieldIsAtItsLimit_acceptsTheRequest() {
    Node node = NODE.toBuilder()
        .setId("i".repeat(AdsRequestLimits.MAX_NODE_ID_BYTES))
        .setCluster("c".repeat(AdsRequestLimits.MAX_NODE_CLUSTER_BYTES))
        .build();
    DiscoveryRequest.Builder request = request().setNode(node)
        .addAllResourceNames(IntStream.range(1, AdsRequestLimits.MAX_RESOURCE_NAMES)
            .mapToObj(i -> "cluster-" + i).toList())
        .addResourceNames("n".repeat(AdsRequestLimits.MAX_RESOURCE_NAME_BYTES))
        .setVersionInfo("v".repeat(AdsRequestLimits.MAX_VERSION_OR_NONCE_BYTES));

    assertThat(refusal(request)).isEmpty();
  }

  @Test
  void check_whenNodeIdIsOneByteTooLong_namesTheFieldAndLimit_butNotTheValue() {
    String id = "x".repeat(AdsRequestLimits.MAX_NODE_ID_BYTES + 1);

    assertThat(refusal(request().setNode(NODE.toBuilder().setId(id))))
        .hasValue("node.id: must be at most 256 bytes, got 257");
  }

  @Test
  void check_countsBytesNotCharacters() {
    // 200 characters, 400 bytes in UTF-8: a limit cannot be stretched with wide characters.
    String id = "\u00e9".repeat(200);

    assertThat(refusal(request().setNode(NODE.toBuilder().setId(id))))
        .hasValue("node.id: must be at most 256 bytes, got 400");
  }

  @Test
  void check_whenAStringIsNotFromTheWire_countsItAsProtobufWouldEncodeIt() {
    // An unpaired surrogate cannot arrive over the wire (protobuf refuses invalid UTF-8); built
    // in-process, protobuf encodes it as one '?' byte.
    String id = "\ud800" + "x".repeat(AdsRequestLimits.MAX_NODE_ID_BYTES);

    assertThat(refusal(request().setNode(NODE.toBuilder().setId(id))))
        .hasValue("node.id: must be at most 256 bytes, got 257");
  }

  @Test
  void check_whenNodeClusterIsTooLong_reportsNodeCluster() {
    assertThat(refusal(request().setNode(NODE.toBuilder().setCluster("c".repeat(300)))))
        .hasValue("node.cluster: must be at most 256 bytes, got 300");
  }

  @Test
  void check_whenMetadataIsOver16KiB_reportsNodeMetadata() {
    Struct metadata = Struct.newBuilder()
        .putFields("labels", Value.newBuilder().setStringValue("m".repeat(17 * 1024)).build())
        .build();

    assertThat(refusal(request().setNode(NODE.toBuilder().setMetadata(metadata))))
        .hasValueSatisfying(d ->
            assertThat(d).startsWith("node.metadata: must be at most 16384 bytes, got "));
  }

  @Test
  void check_whenTheRestOfTheNodeIsOver256KiB_reportsNode() {
    Node.Builder node = NODE.toBuilder();
    for (int i = 0; i < 300; i++) {
      node.addExtensions(Extension.newBuilder().setName("e".repeat(1000)).build());
    }

    assertThat(refusal(request().setNode(node)))
        .hasValueSatisfying(d ->
            assertThat(d).startsWith("node: must be at most 262144 bytes, got "));
  }

  @Test
  void check_when10001Names_refusesWithTheCount() {
    DiscoveryRequest.Builder request = request().addAllResourceNames(
        Collections.nCopies(AdsRequestLimits.MAX_RESOURCE_NAMES + 1, "cluster"));

    assertThat(refusal(request))
        .hasValue("resource_names: at most 10000 names in one request, got 10001");
  }

  @Test
  void check_whenOneNameIsTooLong_namesItsIndex() {
    DiscoveryRequest.Builder request =
        request().addResourceNames("ok").addResourceNames("n".repeat(1025));

    assertThat(refusal(request))
        .hasValue("resource_names[1]: must be at most 1024 bytes, got 1025");
  }

  @Test
  void check_whenVersionOrNonceIsTooLong_namesTheField() {
    assertThat(refusal(request().setVersionInfo("v".repeat(2000))))
        .hasValue("version_info: must be at most 1024 bytes, got 2000");
    assertThat(refusal(request().setResponseNonce("n".repeat(2000))))
        .hasValue("response_nonce: must be at most 1024 bytes, got 2000");
  }

  @Test
  void check_whenTypeUrlIsUnknown_quotesItEscaped() {
    assertThat(refusal(request().setTypeUrl("type.googleapis.com/evil\nERROR forged")))
        .hasValue("type_url: unknown type URL 'type.googleapis.com/evil\\u000aERROR forged'");
  }

  @Test
  void check_whenTypeUrlIsMissing_saysItIsRequired() {
    assertThat(refusal(request().clearTypeUrl()))
        .hasValue("type_url: is required on an ADS stream");
  }

  @Test
  void check_acceptsEveryTypePaymeshServes() {
    for (String typeUrl : Resources.V3.TYPE_URLS) {
      assertThat(refusal(request().setTypeUrl(typeUrl))).as(typeUrl).isEmpty();
    }
  }

  @Test
  void check_whenALaterRequestOmitsTheNode_checksTheRest() {
    assertThat(refusal(request().clearNode())).isEmpty();
    assertThat(refusal(request().clearNode().setTypeUrl("x"))).isPresent();
  }

  private static DeltaDiscoveryRequest.Builder deltaRequest() {
    return DeltaDiscoveryRequest.newBuilder().setNode(NODE)
        .setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL);
  }

  private static Optional<String> refusal(DeltaDiscoveryRequest.Builder request) {
    Optional<Status> status = AdsRequestLimits.check(request.build());
    status.ifPresent(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    return status.map(Status::getDescription);
  }

  @Test
  void checkDelta_whenEveryFieldIsAtItsLimit_acceptsTheRequest() {
    List<String> names = IntStream.range(1, AdsRequestLimits.MAX_RESOURCE_NAMES)
        .mapToObj(i -> "cluster-" + i).toList();
    String longName = "n".repeat(AdsRequestLimits.MAX_RESOURCE_NAME_BYTES);
    DeltaDiscoveryRequest.Builder request = deltaRequest()
        .addAllResourceNamesSubscribe(names).addResourceNamesSubscribe(longName)
        .addAllResourceNamesUnsubscribe(names).addResourceNamesUnsubscribe(longName)
        .setResponseNonce("n".repeat(AdsRequestLimits.MAX_VERSION_OR_NONCE_BYTES));
    names.forEach(n -> request.putInitialResourceVersions(n, "v"));
    request.putInitialResourceVersions(longName,
        "v".repeat(AdsRequestLimits.MAX_VERSION_OR_NONCE_BYTES));

    assertThat(refusal(request)).isEmpty();
  }

  @Test
  void checkDelta_when10001NamesInAnyList_refusesNamingTheList() {
    List<String> names = IntStream.range(0, AdsRequestLimits.MAX_RESOURCE_NAMES + 1)
        .mapToObj(i -> "cluster-" + i).toList();
    DeltaDiscoveryRequest.Builder held = deltaRequest();
    names.forEach(n -> held.putInitialResourceVersions(n, "v"));

    assertThat(refusal(deltaRequest().addAllResourceNamesSubscribe(names)))
        .hasValue("resource_names_subscribe: at most 10000 names in one request, got 10001");
    assertThat(refusal(deltaRequest().addAllResourceNamesUnsubscribe(names)))
        .hasValue("resource_names_unsubscribe: at most 10000 names in one request, got 10001");
    assertThat(refusal(held))
        .hasValue("initial_resource_versions: at most 10000 names in one request, got 10001");
  }

  @Test
  void checkDelta_whenANameOrVersionIsTooLong_namesTheField_butNotTheValue() {
    String name = "n".repeat(AdsRequestLimits.MAX_RESOURCE_NAME_BYTES + 1);
    String version = "v".repeat(AdsRequestLimits.MAX_VERSION_OR_NONCE_BYTES + 1);

    assertThat(refusal(deltaRequest().addResourceNamesSubscribe("a")
        .addResourceNamesSubscribe(name)))
        .hasValue("resource_names_subscribe[1]: must be at most 1024 bytes, got 1025");
    assertThat(refusal(deltaRequest().addResourceNamesUnsubscribe(name)))
        .hasValue("resource_names_unsubscribe[0]: must be at most 1024 bytes, got 1025");
    assertThat(refusal(deltaRequest().putInitialResourceVersions(name, "v")))
        .hasValue("initial_resource_versions name: must be at most 1024 bytes, got 1025");
    assertThat(refusal(deltaRequest().putInitialResourceVersions("a", version)))
        .hasValue("initial_resource_versions version: must be at most 1024 bytes, got 1025");
    assertThat(refusal(deltaRequest().setResponseNonce(version)))
        .hasValue("response_nonce: must be at most 1024 bytes, got 1025");
  }

  @Test
  void checkDelta_holdsTheNodeAndTypeUrlToTheSameLimits() {
    assertThat(refusal(deltaRequest().setNode(NODE.toBuilder()
        .setCluster("c".repeat(AdsRequestLimits.MAX_NODE_CLUSTER_BYTES + 1)))))
        .hasValue("node.cluster: must be at most 256 bytes, got 257");
    assertThat(refusal(deltaRequest().setTypeUrl("")))
        .hasValue("type_url: is required on an ADS stream");
    assertThat(refusal(deltaRequest().setTypeUrl("type.googleapis.com/evil\n")))
        .hasValueSatisfying(d -> assertThat(d).startsWith("type_url: unknown type URL '")
            .doesNotContain("\n"));
  }
}
