package io.paymesh.config.model;

import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import java.util.List;

/**
 * The mTLS mode a service's inbound listeners enforce: the one definition the translator and the
 * mesh picture share.
 */
public final class InboundMtls {
  private InboundMtls() {}

  /**
   * A CDE service is STRICT whatever its PeerAuthentication says (invariant 7). Without a
   * PeerAuthentication it is STRICT too: the safe default, so a missing document can never open
   * a plaintext port. Several documents naming the same service resolve to the strictest, so
   * weakening needs every one of them to say so.
   *
   * @param peerAuthentications the PeerAuthentications whose {@code service} is this one
   */
  public static MtlsMode modeOf(Service service, List<PeerAuthentication> peerAuthentications) {
    if (service.spec().pciScope() == PciScope.CDE) {
      return MtlsMode.STRICT;
    }
    boolean anyPermissive = false;
    for (PeerAuthentication pa : peerAuthentications) {
      if (pa.spec().mode() == MtlsMode.STRICT) {
        return MtlsMode.STRICT;
      }
      anyPermissive = true;
    }
    return anyPermissive ? MtlsMode.PERMISSIVE : MtlsMode.STRICT;
  }
}
