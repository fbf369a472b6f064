package io.paymesh.admin.testing;

/** Plaintext of the tokens whose hashes admin-test.yaml configures, and their names (actors). */
public final class TestTokens {
  public static final String VIEWER = "test-viewer";
  public static final String OPERATOR = "test-operator";
  public static final String SECURITY = "test-security";
  /** A second security admin: four-eyes approvals need one other than the proposer. */
  public static final String SECURITY_2 = "test-security-2";
  /** Operator and security admin: may make security-relevant changes of routing kinds. */
  public static final String PLATFORM = "test-platform";
  public static final String ADMIN = "test-admin";

  public static final String VIEWER_NAME = "vera-viewer";
  public static final String OPERATOR_NAME = "otto-operator";
  public static final String SECURITY_NAME = "sam-security";
  public static final String SECURITY_2_NAME = "sue-security";
  public static final String PLATFORM_NAME = "pat-platform";
  public static final String ADMIN_NAME = "ada-admin";

  private TestTokens() {}
}
