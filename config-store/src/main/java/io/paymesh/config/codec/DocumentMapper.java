package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The envelope {@code {kind, name, spec}}: picks the spec mapper by kind. Spec fields are reported
 * relative to {@code spec} (the collector's root), the envelope's own fields by their names.
 */
final class DocumentMapper {
  static final String KIND = "kind";
  static final String NAME = "name";
  static final String SPEC = "spec";
  static final String BAD_KIND =
      Messages.oneOf(Arrays.stream(Kind.values()).map(Kind::wireName).collect(Collectors.toList()));

  private DocumentMapper() {}

  /** The decoded resource, or null after reporting its structural errors. */
  static PolicyResource decode(JsonNode root, ErrorCollector c) {
    NodeReader r = NodeReader.of(root, c);
    if (r == null) {
      return null;
    }
    Kind kind = kind(r);
    String name = r.string(NAME);
    JsonNode specNode = r.required(SPEC);
    PolicyResource resource = null;
    if (kind != null && specNode != null) {
      NodeReader spec = NodeReader.of(specNode, c.at(SPEC), c);
      resource = spec == null ? null : decodeSpec(kind, name, spec);
    }
    return r.finish() ? resource : null;
  }

  private static Kind kind(NodeReader r) {
    JsonNode value = r.required(KIND);
    if (value == null) {
      return null;
    }
    Optional<Kind> kind = value.isTextual() ? Kind.fromWireName(value.textValue()) : Optional.empty();
    if (kind.isEmpty()) {
      r.errors().add(KIND, BAD_KIND);
      return null;
    }
    return kind.get();
  }

  /** Decodes the spec; the caller discards the result if the envelope had errors. */
  private static PolicyResource decodeSpec(Kind kind, String name, NodeReader spec) {
    switch (kind) {
      case SERVICE:
        Service.Spec service = ServiceMapper.decode(spec);
        return service == null ? null : new Service(name, service);
      case PAYMENT_PROCESSOR:
        PaymentProcessor.Spec processor = PaymentProcessorMapper.decode(spec);
        return processor == null ? null : new PaymentProcessor(name, processor);
      case ROUTE_TABLE:
        RouteTable.Spec table = RouteTableMapper.decode(spec);
        return table == null ? null : new RouteTable(name, table);
      case AUTHORIZATION_POLICY:
        AuthorizationPolicy.Spec policy = AuthorizationPolicyMapper.decode(spec);
        return policy == null ? null : new AuthorizationPolicy(name, policy);
      case PEER_AUTHENTICATION:
        PeerAuthentication.Spec peer = PeerAuthenticationMapper.decode(spec);
        return peer == null ? null : new PeerAuthentication(name, peer);
      case REQUEST_AUTHENTICATION:
        RequestAuthentication.Spec jwt = RequestAuthenticationMapper.decode(spec);
        return jwt == null ? null : new RequestAuthentication(name, jwt);
      case RATE_LIMIT_POLICY:
        RateLimitPolicy.Spec limits = RateLimitPolicyMapper.decode(spec);
        return limits == null ? null : new RateLimitPolicy(name, limits);
      case GATEWAY:
        Gateway.Spec gateway = GatewayMapper.decode(spec);
        return gateway == null ? null : new Gateway(name, gateway);
      default:
        throw new AssertionError(kind);
    }
  }

  static ObjectNode encode(PolicyResource resource) {
    ObjectNode n = Trees.object();
    n.put(KIND, resource.kind().wireName());
    n.put(NAME, resource.name());
    n.set(SPEC, encodeSpec(resource));
    return n;
  }

  private static ObjectNode encodeSpec(PolicyResource resource) {
    if (resource instanceof Service) {
      return ServiceMapper.encode(((Service) resource).spec());
    } else if (resource instanceof PaymentProcessor) {
      return PaymentProcessorMapper.encode(((PaymentProcessor) resource).spec());
    } else if (resource instanceof RouteTable) {
      return RouteTableMapper.encode(((RouteTable) resource).spec());
    } else if (resource instanceof AuthorizationPolicy) {
      return AuthorizationPolicyMapper.encode(((AuthorizationPolicy) resource).spec());
    } else if (resource instanceof PeerAuthentication) {
      return PeerAuthenticationMapper.encode(((PeerAuthentication) resource).spec());
    } else if (resource instanceof RequestAuthentication) {
      return RequestAuthenticationMapper.encode(((RequestAuthentication) resource).spec());
    } else if (resource instanceof RateLimitPolicy) {
      return RateLimitPolicyMapper.encode(((RateLimitPolicy) resource).spec());
    } else if (resource instanceof Gateway) {
      return GatewayMapper.encode(((Gateway) resource).spec());
    }
    throw new AssertionError(resource);
  }
}
