package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Versions come from content: equal resources built separately (another replica, a restart) get
 * the same version, any difference a different one, and a remembered digest never outlives the
 * content it was computed from (protobuf messages are immutable).
 */
class ContentVersionTest {

  @Test
  void equalResourcesBuiltSeparately_haveTheSameVersions() {
    assertThat(ContentVersion.of(List.of(cluster("a", 1), cluster("b", 2))))
        .isEqualTo(ContentVersion.of(List.of(cluster("a", 1), cluster("b", 2))));
    assertThat(ContentVersion.ofResource(cluster("a", 1)))
        .isEqualTo(ContentVersion.ofResource(cluster("a", 1)))
        .hasSize(16);
  }

  @Test
  void anyDifference_changesTheVersion() {
    String base = ContentVersion.of(List.of(cluster("a", 1), cluster("b", 2)));

    assertThat(ContentVersion.of(List.of(cluster("a", 1), cluster("b", 3)))).isNotEqualTo(base);
    assertThat(ContentVersion.of(List.of(cluster("b", 2), cluster("a", 1)))).isNotEqualTo(base);
    assertThat(ContentVersion.of(List.of(cluster("a", 1)))).isNotEqualTo(base);
    assertThat(ContentVersion.of(List.of())).isNotEqualTo(base).hasSize(16);
    assertThat(ContentVersion.ofResource(cluster("a", 1)))
        .isNotEqualTo(ContentVersion.ofResource(cluster("a", 2)));
  }

  @Test
  void mapFields_hashTheSameWhateverTheirInsertionOrder() {
    Cluster oneOrder = withMetadata("x", "y");
    Cluster otherOrder = withMetadata("y", "x");

    assertThat(oneOrder).isEqualTo(otherOrder);
    assertThat(ContentVersion.ofResource(oneOrder))
        .isEqualTo(ContentVersion.ofResource(otherOrder));
  }

  @Test
  void aResourceVersionedAlone_andInAList_agreeWithItsContent() {
    Cluster shared = cluster("a", 1);
    String before = ContentVersion.of(List.of(shared));

    // Hashing it again (now from the remembered digest) gives the same as a fresh instance.
    assertThat(ContentVersion.of(List.of(shared))).isEqualTo(before)
        .isEqualTo(ContentVersion.of(List.of(cluster("a", 1))));
  }

  private static Cluster cluster(String name, int timeoutSeconds) {
    return Cluster.newBuilder().setName(name)
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(timeoutSeconds))
        .build();
  }

  /** A cluster whose metadata map holds {@code first} then {@code second}, in that order. */
  static Cluster withMetadata(String first, String second) {
    Struct.Builder fields = Struct.newBuilder();
    fields.putFields(first, Value.newBuilder().setStringValue(first).build());
    fields.putFields(second, Value.newBuilder().setStringValue(second).build());
    return Cluster.newBuilder().setName("m")
        .setMetadata(Metadata.newBuilder().putFilterMetadata("paymesh", fields.build()))
        .build();
  }
}
