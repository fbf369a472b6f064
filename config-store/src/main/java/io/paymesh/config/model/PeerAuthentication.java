package io.paymesh.config.model;

/**
 * The mTLS mode of one service's inbound listeners: STRICT requires a client certificate,
 * PERMISSIVE also accepts plaintext (for migration). A CDE service must be STRICT (invariant 7);
 * that needs the Service document, so translation and the Gate enforce it, not the validator.
 */
public record PeerAuthentication(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.PEER_AUTHENTICATION;
  }

  public record Spec(String service, MtlsMode mode) {}

  public enum MtlsMode {
    STRICT,
    PERMISSIVE
  }
}
