package io.paymesh.xds.translate;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Translates the PaymentProcessor dependencies of a service into the SDS secrets their clusters
 * name: one validation context per distinct {@code trustedCaSecret}, served over ADS. The bundle
 * is the system roots of the Envoy image, by file, because PSPs present public-CA certificates;
 * nothing of the CA is inline and no private key is involved.
 */
final class SecretTranslator {

  /**
   * One Secret per distinct trustedCaSecret among the service's PaymentProcessor dependencies
   * that get a processor cluster (a name that is also a Service gets a Service cluster, as in
   * {@link ClusterTranslator}), sorted by name.
   */
  List<Secret> secrets(
      Map<String, Service> services, Map<String, PaymentProcessor> processors, Service service) {
    TreeSet<String> names = new TreeSet<>();
    for (String dependency : service.spec().dependencies()) {
      PaymentProcessor processor = processors.get(dependency);
      if (processor != null && !services.containsKey(dependency)) {
        names.add(processor.spec().tls().trustedCaSecret());
      }
    }
    List<Secret> secrets = new ArrayList<>();
    names.forEach(name -> secrets.add(processorTrustBundle(name)));
    return secrets;
  }

  Secret processorTrustBundle(String name) {
    return Secret.newBuilder()
        .setName(name)
        .setValidationContext(
            CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder().setFilename(XdsNames.SYSTEM_CA_BUNDLE)))
        .build();
  }
}
