package io.paymesh.admin.testing;

/** Plaintext of the tokens whose hashes admin-test.yaml configures, and their names (actors). */
public final class TestTokens {
  public static final String VIEWER = "test-viewer";
  public static final String OPERATOR = "test-operator";
  public static final String SECURITY = "test-security";
  public static final String ADMIN = "test-admin";

  public static final String VIEWER_NAME = "vera-viewer";
  public static final String OPERATOR_NAME = "otto-operator";
  public static final String SECURITY_NAME = "sam-security";
  public static final String ADMIN_NAME = "ada-admin";

  private TestTokens() {}
}
