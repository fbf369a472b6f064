package io.paymesh.config.model;

import java.util.List;
import java.util.Optional;

/**
 * Where a route sends traffic: one target ({@code {target: payments-v1}}) or a weighted split
 * ({@code {split: [{target, weight}], stickyBy: x-merchant-id}}). Targets name a Service or a
 * PaymentProcessor.
 */
public sealed interface Destination {

  record Single(String target) implements Destination {}

  /** @param stickyBy the request header hashed so one merchant stays on one side of the split */
  record Split(List<WeightedTarget> targets, Optional<String> stickyBy) implements Destination {
    public Split {
      targets = List.copyOf(targets);
    }
  }

  record WeightedTarget(String target, int weight) {}
}
