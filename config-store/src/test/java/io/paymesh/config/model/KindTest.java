package io.paymesh.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KindTest {

  @Test
  void isSecurityKind_isTrueOnlyForAuthorizationAndAuthenticationKinds() {
    assertThat(Arrays.stream(Kind.values()).filter(Kind::isSecurityKind))
        .containsExactly(
            Kind.AUTHORIZATION_POLICY, Kind.PEER_AUTHENTICATION, Kind.REQUEST_AUTHENTICATION,
            Kind.GATEWAY);
  }

  @Test
  void fromWireNameAndPathSegment_findEveryNewKind() {
    assertThat(Kind.fromWireName("PeerAuthentication")).contains(Kind.PEER_AUTHENTICATION);
    assertThat(Kind.fromWireName("RequestAuthentication")).contains(Kind.REQUEST_AUTHENTICATION);
    assertThat(Kind.fromWireName("RateLimitPolicy")).contains(Kind.RATE_LIMIT_POLICY);
    assertThat(Kind.fromPathSegment("peerauthentications")).contains(Kind.PEER_AUTHENTICATION);
    assertThat(Kind.fromPathSegment("requestauthentications")).contains(Kind.REQUEST_AUTHENTICATION);
    assertThat(Kind.fromPathSegment("ratelimitpolicies")).contains(Kind.RATE_LIMIT_POLICY);
    assertThat(Kind.fromWireName("Gateway")).contains(Kind.GATEWAY);
    assertThat(Kind.fromPathSegment("gateways")).contains(Kind.GATEWAY);
  }

  @Test
  void wireNamesAndPathSegments_areUnique() {
    assertThat(Arrays.stream(Kind.values()).map(Kind::wireName)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(Kind.values()).map(Kind::pathSegment)).doesNotHaveDuplicates();
  }
}
