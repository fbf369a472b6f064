package io.paymesh.xds.translate;

import java.util.Objects;

/**
 * The unit a snapshot is built for: every proxy of one service in one form receives the same
 * resources, so translation runs once per group and not once per connected proxy.
 */
public record ProxyGroup(String service, ProxyForm form) {
  public ProxyGroup {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(form, "form");
  }

  public static ProxyGroup sidecar(String service) {
    return new ProxyGroup(service, ProxyForm.SIDECAR);
  }

  public static ProxyGroup proxyless(String service) {
    return new ProxyGroup(service, ProxyForm.PROXYLESS);
  }
}
