package io.paymesh.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a proxy's group is sent for the current policy in etcd (as Envoy JSON), the content
 * version per type, and per type whether the proxy has ACKed exactly that version.
 *
 * @param inSync true when the proxy ACKed the current version of every type
 * @param violations the Gate's objections; when not empty the xds-servers keep sending the
 *     group its last good config, so the resources below are not what the proxy has
 */
public record ProxyConfigResponse(ProxyResponse proxy, String service, String client, String form,
    boolean inSync, List<TypeVersion> versions, List<PlanResponse.Violation> violations,
    List<Resource> resources) {

  public ProxyConfigResponse {
    versions = List.copyOf(versions);
    violations = List.copyOf(violations);
    resources = List.copyOf(resources);
  }

  /** The version the policy gives a type, the one the proxy ACKed (null if none), and whether they match. */
  public record TypeVersion(String typeUrl, String current, String acked, boolean match) {}

  /** One Envoy resource in its proto JSON form. */
  public record Resource(String typeUrl, String name, String version, JsonNode resource) {}
}
