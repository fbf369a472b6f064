package io.paymesh.xds.translate;

/**
 * How a group of proxies consumes xDS. SIDECAR is an Envoy next to the app (inbound and outbound
 * listeners); PROXYLESS is a grpc-java {@code xds:///} client (one api_listener per target host).
 */
public enum ProxyForm {
  SIDECAR,
  PROXYLESS
}
