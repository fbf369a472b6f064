package io.paymesh.admin.auth;

import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.model.Kind;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Who may write which kind: operators write routing kinds, security admins write the kinds that
 * decide who may talk to whom ({@link Kind#isSecurityKind()}), admins write everything, viewers
 * nothing. Checked before a write is validated, so a refused caller learns nothing about it.
 */
public final class WritePermissions {

  private WritePermissions() {}

  public static boolean mayWrite(AdminPrincipal principal, Kind kind) {
    if (principal.has(Role.ADMIN)) {
      return true;
    }
    return kind.isSecurityKind() ? principal.has(Role.SECURITY_ADMIN) : principal.has(Role.OPERATOR);
  }

  /** Throws 403 unless {@code principal} may write every kind in {@code kinds}. */
  public static void requireWrite(AdminPrincipal principal, Collection<Kind> kinds) {
    String refused =
        kinds.stream()
            .distinct()
            .sorted()
            .filter(k -> !mayWrite(principal, k))
            .map(Kind::wireName)
            .collect(Collectors.joining(", "));
    if (!refused.isEmpty()) {
      throw ApiException.forbidden("role may not write " + refused);
    }
  }

  /**
   * Throws 403 unless {@code principal} is a security admin (or admin): workload identity
   * operations (join tokens, revocations) decide who may join the mesh, like the security kinds.
   */
  public static void requireSecurityAdmin(AdminPrincipal principal) {
    if (!principal.has(Role.ADMIN) && !principal.has(Role.SECURITY_ADMIN)) {
      throw ApiException.forbidden("role may not manage workload identities");
    }
  }

  /** Throws 403 unless {@code principal} may write some kind (checked before reading a bundle). */
  public static void requireSomeWrite(AdminPrincipal principal) {
    if (!principal.has(Role.ADMIN) && !principal.has(Role.OPERATOR) && !principal.has(Role.SECURITY_ADMIN)) {
      throw ApiException.forbidden("role may not write policy");
    }
  }
}
