package io.paymesh.demo.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped example policy (envoy-configs/examples), as the demo client's test and soak apply
 * it: the whole policy, and its payments RouteTable, which sends every charge to payments-v1.
 */
final class ExamplePolicy {
  private static final Path FILE =
      Path.of("..", "envoy-configs", "examples", "payments-policy.yaml");
  private static final String CHARGES_TO_V1 = "destination: {target: payments-v1}";

  private ExamplePolicy() {}

  static String text() throws IOException {
    return Files.readString(FILE);
  }

  /** The example's RouteTable of the host payments, as it is written there. */
  static String paymentsRouteTable() throws IOException {
    for (String document : text().split("\n---\n")) {
      if (document.startsWith("kind: RouteTable\nname: payments\n")) {
        return document;
      }
    }
    throw new AssertionError("the example has no RouteTable payments");
  }

  /** {@code routeTable} with the charge route's payments-v1 replaced by {@code target}. */
  static String withChargesTo(String routeTable, String target) {
    return routeTable.replace(CHARGES_TO_V1, "destination: {target: " + target + "}");
  }
}
