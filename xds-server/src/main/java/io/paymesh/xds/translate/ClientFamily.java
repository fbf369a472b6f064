package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ClientFeature.HEADER_STRING_MATCH;
import static io.paymesh.xds.translate.ClientFeature.LEAST_REQUEST_LB;
import static io.paymesh.xds.translate.ClientFeature.MAX_STREAM_DURATION;
import static io.paymesh.xds.translate.ClientFeature.OUTLIER_DETECTION;
import static io.paymesh.xds.translate.ClientFeature.RING_HASH_LB;

import java.util.EnumSet;
import java.util.Set;

/**
 * An implementation of the xDS client side, with the part of xDS it honours. Each family gets a
 * snapshot of its own, translated for what it accepts: Envoy and the gRPC libraries implement
 * different subsets of the same API, and one config for all of them would be NACKed by some.
 * What a family lacks is listed here once, from tests with the real clients (docs/clients.md).
 */
public enum ClientFamily {
  /** Envoy as a sidecar or gateway: the whole API paymesh emits. */
  ENVOY(ProxyForm.SIDECAR, EnumSet.allOf(ClientFeature.class)),
  /**
   * grpc-java ({@code gRPC Java}), the reference proxyless client; without outlier detection,
   * which makes it lose calls (see {@link ClientFeature#OUTLIER_DETECTION}).
   */
  GRPC_JAVA(ProxyForm.PROXYLESS, EnumSet.complementOf(EnumSet.of(OUTLIER_DETECTION))),
  /** Node's {@code @grpc/grpc-js-xds} ({@code gRPC Node Pure JS}). */
  GRPC_JS(ProxyForm.PROXYLESS,
      EnumSet.of(HEADER_STRING_MATCH, RING_HASH_LB, MAX_STREAM_DURATION, OUTLIER_DETECTION)),
  /**
   * gRPC C-core ({@code gRPC C-core}) and the languages that wrap it (Python, C++, Ruby, PHP);
   * also any gRPC library paymesh does not know, which gets the smallest subset.
   */
  GRPC_CORE(ProxyForm.PROXYLESS, EnumSet.of(OUTLIER_DETECTION));

  private final ProxyForm form;
  private final Set<ClientFeature> features;

  ClientFamily(ProxyForm form, Set<ClientFeature> features) {
    this.form = form;
    this.features = Set.copyOf(features);
  }

  /** Whether the family takes sidecar listeners or proxyless ones. */
  public ProxyForm form() {
    return form;
  }

  public boolean supports(ClientFeature feature) {
    return features.contains(feature);
  }

  /** The family a group of the given form is served as when nothing else is known of it. */
  public static ClientFamily defaultFor(ProxyForm form) {
    return form == ProxyForm.SIDECAR ? ENVOY : GRPC_JAVA;
  }
}
