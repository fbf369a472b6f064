package io.paymesh.config.validation;

import io.paymesh.config.model.PeerAuthentication;

/**
 * Rules of a PeerAuthentication spec. That a CDE service is STRICT (invariant 7) needs the Service
 * document, so it is checked on the whole snapshot, not here.
 */
final class PeerAuthenticationValidator {
  private PeerAuthenticationValidator() {}

  static void validate(ErrorCollector c, PeerAuthentication peer) {
    PeerAuthentication.Spec spec = peer.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    Checks.dnsLabel(c.at("service"), spec.service());
    c.at("mode").require(spec.mode());
  }
}
