package io.paymesh.xds.translate;

/**
 * How a group of proxies consumes xDS. SIDECAR is an Envoy next to the app (inbound and outbound
 * listeners); PROXYLESS is grpc-java itself: an {@code xds:///} client (one api_listener per
 * target host) and, for an XdsServerBuilder server, one gRFC A36 server listener per port.
 */
public enum ProxyForm {
  SIDECAR,
  PROXYLESS
}
