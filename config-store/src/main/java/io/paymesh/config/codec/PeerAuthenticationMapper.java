package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;

/**
 * The spec of a PeerAuthentication document. {@code mode} has no default: weakening a service to
 * PERMISSIVE, or relying on STRICT, must be written down.
 */
final class PeerAuthenticationMapper {
  static final String SERVICE = "service";
  static final String MODE = "mode";

  private PeerAuthenticationMapper() {}

  static PeerAuthentication.Spec decode(NodeReader r) {
    String service = r.string(SERVICE);
    MtlsMode mode = r.enumValue(MODE, MtlsMode.class, null);
    return r.finish() ? new PeerAuthentication.Spec(service, mode) : null;
  }

  static ObjectNode encode(PeerAuthentication.Spec spec) {
    ObjectNode n = Trees.object();
    n.put(SERVICE, spec.service());
    n.put(MODE, spec.mode().name());
    return n;
  }
}
