package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.store.PolicySnapshot;
import org.junit.jupiter.api.Test;

class RbacFilterTranslatorTest {
  private final RbacFilterTranslator translator = new RbacFilterTranslator();

  @Test
  void enforceAndShadowPolicies_becomeRulesAndShadowRules_withUnknownCallersSkipped() {
    Policy checkoutCharges =
        Policy.newBuilder()
            .addPermissions(
                Permission.newBuilder()
                    .setOrRules(
                        Permission.Set.newBuilder()
                            .addRules(andRules(exactMethod("POST"),
                                urlPath(StringMatcher.newBuilder().setExact(PolicyFixtures.CHARGE))))
                            .addRules(andRules(exactMethod("POST"),
                                urlPath(StringMatcher.newBuilder()
                                    .setPrefix("/payments.v1.Payments/Get"))))))
            .addPrincipals(callers(PolicyFixtures.CHECKOUT_ID))
            .build();
    Policy ledgerReads =
        Policy.newBuilder()
            .addPermissions(
                Permission.newBuilder()
                    .setOrRules(
                        Permission.Set.newBuilder()
                            .addRules(andRules(
                                Permission.newBuilder()
                                    .setHeader(
                                        HeaderMatcher.newBuilder()
                                            .setName(":method")
                                            .setStringMatch(
                                                StringMatcher.newBuilder()
                                                    .setSafeRegex(RegexMatcher.newBuilder()
                                                        .setRegex("^(GET|HEAD)$"))))
                                    .build(),
                                urlPath(StringMatcher.newBuilder().setPrefix("/"))))))
            // "ghost" is not a Service: left out here, reported by the Gate.
            .addPrincipals(callers(PolicyFixtures.LEDGER_ID))
            .build();
    RBAC expected =
        RBAC.newBuilder()
            .setRules(
                io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
                    .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW)
                    .putPolicies("payments-callers/checkout-charges", checkoutCharges))
            .setShadowRules(
                io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
                    .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW)
                    .putPolicies("ledger-audit/ledger-reads", ledgerReads))
            .build();

    assertThat(translator.rbacFilter(PolicyFixtures.snapshot(), "payments-v1", ClientFamily.ENVOY))
        .isEqualTo(expected);
  }

  @Test
  void noPolicies_emitsAllowRulesWithNoPolicies_soEverythingIsDenied() {
    RBAC expected =
        RBAC.newBuilder()
            .setRules(
                io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
                    .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW))
            .build();

    assertThat(translator.rbacFilter(PolicyFixtures.snapshot(), "checkout", ClientFamily.ENVOY))
        .isEqualTo(expected);
  }

  @Test
  void ruleWhoseCallersAreAllUnknown_grantsNothing() {
    PolicySnapshot snapshot =
        PolicySnapshot.builder(1)
            .add(PolicyFixtures.paymentsV1())
            .add(PolicyFixtures.ledgerShadow())
            .build();

    RBAC rbac = translator.rbacFilter(snapshot, "payments-v1", ClientFamily.ENVOY);

    assertThat(rbac.getRules().getPoliciesMap()).isEmpty();
    assertThat(rbac.getShadowRules().getPoliciesMap()).isEmpty();
    assertThat(rbac.hasShadowRules()).isTrue();
  }

  private static Permission andRules(Permission... rules) {
    return Permission.newBuilder()
        .setAndRules(Permission.Set.newBuilder().addAllRules(java.util.List.of(rules)))
        .build();
  }

  private static Permission exactMethod(String method) {
    return Permission.newBuilder()
        .setHeader(
            HeaderMatcher.newBuilder()
                .setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setExact(method)))
        .build();
  }

  private static Permission urlPath(StringMatcher.Builder path) {
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(path)).build();
  }

  private static Principal callers(String... identities) {
    Principal.Set.Builder ids = Principal.Set.newBuilder();
    for (String id : identities) {
      ids.addIds(
          Principal.newBuilder()
              .setAuthenticated(
                  Principal.Authenticated.newBuilder()
                      .setPrincipalName(StringMatcher.newBuilder().setExact(id))));
    }
    return Principal.newBuilder().setOrIds(ids).build();
  }
}
