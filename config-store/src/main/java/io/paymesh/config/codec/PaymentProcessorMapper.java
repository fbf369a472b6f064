package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.validation.ErrorCollector;
import java.time.Duration;
import java.util.List;

/** The spec of a PaymentProcessor document, in both directions. */
final class PaymentProcessorMapper {
  private PaymentProcessorMapper() {}

  static PaymentProcessor.Spec decode(NodeReader r) {
    List<PaymentProcessor.Endpoint> endpoints =
        r.list("endpoints", true, PaymentProcessorMapper::endpoint);
    PaymentProcessor.Tls tls = tls(r.object("tls", true));
    Duration connectTimeout = r.duration("connectTimeout");
    var circuitBreakers = ResilienceMapper.circuitBreakers(r);
    var outlierDetection = ResilienceMapper.outlierDetection(r);
    if (!r.finish()) {
      return null;
    }
    return new PaymentProcessor.Spec(
        endpoints, tls, connectTimeout, circuitBreakers, outlierDetection);
  }

  private static PaymentProcessor.Endpoint endpoint(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String address = r.string("address");
    Integer port = r.integer("port");
    String region = r.string("region");
    Integer priority = r.integer("priority");
    return r.finish() ? new PaymentProcessor.Endpoint(address, port, region, priority) : null;
  }

  private static PaymentProcessor.Tls tls(NodeReader r) {
    if (r == null) {
      return null;
    }
    String sni = r.string("sni");
    String trustedCaSecret = r.string("trustedCaSecret");
    List<String> subjectAltNames = r.strings("subjectAltNames", true);
    return r.finish() ? new PaymentProcessor.Tls(sni, trustedCaSecret, subjectAltNames) : null;
  }

  static ObjectNode encode(PaymentProcessor.Spec spec) {
    ObjectNode n = Trees.object();
    ArrayNode endpoints = n.putArray("endpoints");
    for (PaymentProcessor.Endpoint e : spec.endpoints()) {
      ObjectNode en = endpoints.addObject();
      en.put("address", e.address());
      en.put("port", e.port());
      en.put("region", e.region());
      en.put("priority", e.priority());
    }
    ObjectNode tls = n.putObject("tls");
    tls.put("sni", spec.tls().sni());
    tls.put("trustedCaSecret", spec.tls().trustedCaSecret());
    Trees.putStrings(tls, "subjectAltNames", spec.tls().subjectAltNames());
    Trees.putDuration(n, "connectTimeout", spec.connectTimeout());
    ResilienceMapper.encode(n, spec.circuitBreakers(), spec.outlierDetection());
    return n;
  }
}
