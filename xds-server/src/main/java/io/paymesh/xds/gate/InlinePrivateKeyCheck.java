package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.paymesh.config.validation.JwksRules;
import io.paymesh.config.validation.ValidationError;
import io.paymesh.xds.translate.ClientFamily;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Payment invariant 8: no key material inline in any resource; certificates come over SDS. An
 * inline JSON Web Key Set ({@code local_jwks} of a jwt_authn provider) may hold public keys only:
 * it is read with the policy's own {@link JwksRules}, and one the Gate cannot read, or with a
 * private member, is refused (named by member, never by value). Walks
 * every field of every resource, secrets included, unpacking typed_config Anys (filters, listener
 * filters, transport sockets, protocol options). An Any of a type it cannot read fails closed: the
 * Gate cannot prove it holds no key.
 */
final class InlinePrivateKeyCheck extends ResourceCheck {
  static final String INVARIANT = "8";

  /** DataSource fields that carry secrets (TlsCertificate, TlsSessionTicketKeys, GenericSecret). */
  private static final Set<String> SECRET_FIELDS =
      Set.of("private_key", "pkcs12", "password", "keys", "secret");
  /** Key material sits in DataSources: the walk enters only what can hold one (or an Any). */
  private static final TypeReach REACH = new TypeReach(Set.of(DataSource.getDescriptor()));
  /** jwt_authn's inline key set: public keys are allowed, private members are not. */
  private static final String LOCAL_JWKS_FIELD = "local_jwks";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  void judge(String resource, Message message, ClientFamily client, List<GateViolation> out) {
    walk(resource, message, out);
  }

  /** An inline key set is public keys only; a key set from a file or env is not paymesh's. */
  private static void checkJwks(
      String resource, FieldPath path, DataSource source, List<GateViolation> out) {
    String json;
    switch (source.getSpecifierCase()) {
      case INLINE_STRING -> json = source.getInlineString();
      case INLINE_BYTES -> json = source.getInlineBytes().toStringUtf8();
      default -> {
        return;
      }
    }
    List<ValidationError> problems = JwksRules.check(json);
    if (!problems.isEmpty()) {
      out.add(new GateViolation(resource, INVARIANT, "the JSON Web Key Set at " + path
          + " is not a set of public keys: " + problems.stream().map(ValidationError::toString)
              .collect(Collectors.joining("; "))));
    }
  }

  private static void walk(String resource, Message message, List<GateViolation> out) {
    MessageWalk.walk(message, REACH, new MessageWalk.Visitor() {
      @Override
      public boolean visit(FieldPath path, FieldDescriptor field, Message value) {
        if (value instanceof DataSource source && field != null
            && field.getName().equals(LOCAL_JWKS_FIELD)) {
          checkJwks(resource, path, source, out);
          return false;
        }
        if (value instanceof DataSource source && field != null
            && SECRET_FIELDS.contains(field.getName())) {
          boolean inline = source.getSpecifierCase() == DataSource.SpecifierCase.INLINE_BYTES
              || source.getSpecifierCase() == DataSource.SpecifierCase.INLINE_STRING;
          if (inline) {
            out.add(new GateViolation(resource, INVARIANT,
                "key material given inline at " + path + "; deliver it through SDS"));
          }
          return false;
        }
        return true;
      }

      @Override
      public void unknownType(FieldPath path, Any any) {
        out.add(new GateViolation(resource, INVARIANT,
            "cannot inspect " + path + " of type " + any.getTypeUrl()));
      }

      @Override
      public void undecodable(FieldPath path, Any any) {
        out.add(new GateViolation(resource, INVARIANT,
            "cannot decode " + path + " as " + any.getTypeUrl()));
      }
    });
  }
}
