package io.paymesh.xds.ads;

import static io.paymesh.xds.ads.ContentVersionTest.withMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A resource's wire form is made once per instance and is what {@code Any.pack} would send:
 * a client unpacks the same message, under the type URL the xDS type names.
 */
class ResourceEncodingTest {

  @Test
  void packed_unpacksToTheSameResource_underItsXdsTypeUrl() throws Exception {
    Cluster cluster = withMetadata("b", "a");
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("payments").build();

    Any packedCluster = ResourceEncoding.packed(cluster);
    Any packedRoutes = ResourceEncoding.packed(routes);

    assertThat(packedCluster.getTypeUrl()).isEqualTo(Resources.V3.CLUSTER_TYPE_URL)
        .isEqualTo(Any.pack(cluster).getTypeUrl());
    assertThat(packedCluster.unpack(Cluster.class)).isEqualTo(cluster);
    assertThat(packedRoutes.getTypeUrl()).isEqualTo(Resources.V3.ROUTE_TYPE_URL);
    assertThat(packedRoutes.unpack(RouteConfiguration.class)).isEqualTo(routes);
    assertThat(ResourceEncoding.SERIALIZER.serialize(List.of(cluster, routes),
        Resources.ApiVersion.V3)).containsExactly(packedCluster, packedRoutes);
  }

  @Test
  void anInstance_isEncodedOnce_andEqualResourcesEncodeAlike() {
    Cluster cluster = withMetadata("x", "y");

    assertThat(ResourceEncoding.packed(cluster)).isSameAs(ResourceEncoding.packed(cluster));
    // Another instance with its map entries inserted in the other order: the same bytes
    // (deterministic serialization), so the same digest and the same content version.
    Cluster reordered = withMetadata("y", "x");
    assertThat(ResourceEncoding.packed(reordered)).isNotSameAs(ResourceEncoding.packed(cluster))
        .isEqualTo(ResourceEncoding.packed(cluster));
    assertThat(ResourceEncoding.digest(reordered)).isEqualTo(ResourceEncoding.digest(cluster));
    assertThat(ResourceEncoding.digest(withMetadata("x", "z")))
        .isNotEqualTo(ResourceEncoding.digest(cluster));
  }
}
