package io.paymesh.xds.inspect;

import java.util.Objects;

/**
 * One Envoy resource of a group's config in readable form.
 *
 * @param typeUrl e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}
 * @param name the resource name (a ClusterLoadAssignment's cluster_name)
 * @param version the version of the resource's type in the group (xDS versions are per type)
 * @param json the resource as pretty JSON with proto field names
 */
public record ResourceDump(String typeUrl, String name, String version, String json) {
  public ResourceDump {
    Objects.requireNonNull(typeUrl, "typeUrl");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(json, "json");
  }
}
