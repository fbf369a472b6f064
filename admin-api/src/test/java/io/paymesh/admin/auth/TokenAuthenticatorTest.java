package io.paymesh.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {

  private static final String ALICE_TOKEN = "alice-s3cret";
  private static final String BOB_TOKEN = "bob-s3cret";

  private final TokenAuthenticator authenticator = new TokenAuthenticator(List.of(
      new TokenConfiguration("alice", hash(ALICE_TOKEN), Set.of(Role.OPERATOR)),
      new TokenConfiguration("bob", hash(BOB_TOKEN), Set.of(Role.VIEWER, Role.SECURITY_ADMIN))));

  @Test
  void authenticate_whenTokenHashMatches_returnsThatPrincipalWithItsRoles() {
    assertThat(authenticator.authenticate(BOB_TOKEN))
        .contains(new AdminPrincipal("bob", Set.of(Role.VIEWER, Role.SECURITY_ADMIN)));
    assertThat(authenticator.authenticate(ALICE_TOKEN)).contains(new AdminPrincipal("alice", Set.of(Role.OPERATOR)));
  }

  @Test
  void authenticate_whenTokenIsUnknownOrAHash_returnsEmpty() {
    assertThat(authenticator.authenticate("alice-s3cre")).isEmpty();
    assertThat(authenticator.authenticate("")).isEmpty();
    // The configured hash itself is not a token.
    assertThat(authenticator.authenticate(hash(ALICE_TOKEN))).isEmpty();
  }

  @Test
  void tokenConfiguration_toString_omitsTheHash() {
    assertThat(new TokenConfiguration("alice", hash(ALICE_TOKEN), Set.of(Role.OPERATOR)).toString())
        .isEqualTo("TokenConfiguration[name=alice, roles=[OPERATOR]]");
  }

  @Test
  void writePermissions_followTheRoleOfEachKind() {
    AdminPrincipal operator = new AdminPrincipal("o", Set.of(Role.OPERATOR));
    AdminPrincipal security = new AdminPrincipal("s", Set.of(Role.SECURITY_ADMIN));
    AdminPrincipal viewer = new AdminPrincipal("v", Set.of(Role.VIEWER));
    AdminPrincipal admin = new AdminPrincipal("a", Set.of(Role.ADMIN));
    for (io.paymesh.config.model.Kind kind : io.paymesh.config.model.Kind.values()) {
      assertThat(WritePermissions.mayWrite(operator, kind)).as("operator " + kind).isEqualTo(!kind.isSecurityKind());
      assertThat(WritePermissions.mayWrite(security, kind)).as("security " + kind).isEqualTo(kind.isSecurityKind());
      assertThat(WritePermissions.mayWrite(viewer, kind)).as("viewer " + kind).isFalse();
      assertThat(WritePermissions.mayWrite(admin, kind)).as("admin " + kind).isTrue();
    }
  }

  static String hash(String token) {
    return HexFormat.of().formatHex(TokenAuthenticator.sha256(token));
  }
}
