package io.paymesh.xds.translate;

/**
 * How a group of proxies consumes xDS. SIDECAR is an Envoy next to the app (inbound and outbound
 * listeners); PROXYLESS is a gRPC library itself: an {@code xds:///} client (one api_listener per
 * target host) and, for an xDS-enabled server, one gRFC A36 server listener per port. The
 * {@link ClientFamily} of a group decides its form.
 */
public enum ProxyForm {
  SIDECAR,
  PROXYLESS
}
