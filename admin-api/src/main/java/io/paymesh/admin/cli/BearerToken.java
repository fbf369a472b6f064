package io.paymesh.admin.cli;

/** An API token. Its {@code toString} never shows it; only the Authorization header does. */
record BearerToken(String value) {

  BearerToken {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("empty token");
    }
  }

  String authorization() {
    return "Bearer " + value;
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
