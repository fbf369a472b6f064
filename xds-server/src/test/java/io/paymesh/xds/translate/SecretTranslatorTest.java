package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretTranslatorTest {
  private final SecretTranslator translator = new SecretTranslator();

  private static PaymentProcessor processor(String name, String caSecret) {
    PaymentProcessor.Spec stripe = PolicyFixtures.stripe().spec();
    return new PaymentProcessor(name, new PaymentProcessor.Spec(stripe.endpoints(),
        new PaymentProcessor.Tls(name + ".example", caSecret, List.of(name + ".example")),
        stripe.connectTimeout(), Optional.empty(), Optional.empty()));
  }

  private static Service dependingOn(List<String> dependencies) {
    Service.Spec spec = PolicyFixtures.checkout().spec();
    return new Service("checkout", new Service.Spec(spec.ports(), spec.identity(),
        spec.pciScope(), dependencies, spec.loadBalancing(), spec.circuitBreakers(),
        spec.outlierDetection()));
  }

  @Test
  void processorTrustBundle_isTheImagesSystemRoots_byFile() {
    Secret expected = Secret.newBuilder()
        .setName("psp-ca-bundle")
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder()
                .setFilename("/etc/ssl/certs/ca-certificates.crt")))
        .build();

    assertThat(translator.secrets(Map.of(), Map.of("stripe", PolicyFixtures.stripe()),
        PolicyFixtures.checkout())).containsExactly(expected);
  }

  @Test
  void oneSecretPerDistinctName_sorted_onlyForProcessorDependencies() {
    Map<String, PaymentProcessor> processors = Map.of(
        "stripe", processor("stripe", "psp-ca-bundle"),
        "adyen", processor("adyen", "psp-ca-bundle"),
        "bank", processor("bank", "bank-ca"),
        "unused", processor("unused", "unused-ca"));
    Map<String, Service> services = Map.of("ledger", PolicyFixtures.ledger());

    List<Secret> secrets = translator.secrets(services, processors,
        dependingOn(List.of("stripe", "ledger", "adyen", "bank", "payments")));

    assertThat(secrets).extracting(Secret::getName).containsExactly("bank-ca", "psp-ca-bundle");
  }

  @Test
  void aNameThatIsAlsoAService_getsAServiceCluster_soNoSecret() {
    Map<String, PaymentProcessor> processors = Map.of("ledger", processor("ledger", "x-ca"));
    Map<String, Service> services = Map.of("ledger", PolicyFixtures.ledger());

    assertThat(translator.secrets(services, processors, dependingOn(List.of("ledger"))))
        .isEmpty();
  }
}
