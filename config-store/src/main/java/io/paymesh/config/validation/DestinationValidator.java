package io.paymesh.config.validation;

import io.paymesh.config.model.Destination;
import io.paymesh.config.model.OperationKind;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Rules of a route's destination: target names, split weights, and sticky splits (invariant 4). */
final class DestinationValidator {
  static final int MIN_SPLIT_TARGETS = 2;
  static final int TOTAL_WEIGHT = 100;
  static final String TOO_FEW_TARGETS = "must have at least " + MIN_SPLIT_TARGETS + " targets";
  static final String DUPLICATE_TARGET = "duplicate target";
  static final String STICKY_REQUIRED =
      "required when a non-READ route is split, so a payment stays on one side of the split";

  private DestinationValidator() {}

  static void validate(ErrorCollector c, Destination destination, OperationKind operation) {
    if (!c.require(destination)) {
      return;
    }
    if (destination instanceof Destination.Single) {
      Checks.dnsLabel(c.at("target"), ((Destination.Single) destination).target());
    } else if (destination instanceof Destination.Split) {
      split(c, (Destination.Split) destination, operation);
    } else {
      throw new AssertionError(destination);
    }
  }

  private static void split(ErrorCollector c, Destination.Split split, OperationKind operation) {
    List<Destination.WeightedTarget> targets = split.targets();
    ErrorCollector sc = c.at("split");
    if (!sc.require(targets)) {
      return;
    }
    if (targets.size() < MIN_SPLIT_TARGETS) {
      sc.add(TOO_FEW_TARGETS);
    }
    Set<String> seen = new HashSet<>();
    int total = 0;
    boolean weightsValid = true;
    for (int i = 0; i < targets.size(); i++) {
      Destination.WeightedTarget t = targets.get(i);
      ErrorCollector tc = c.atIndex("split", i);
      Checks.dnsLabel(tc.at("target"), t.target());
      if (t.target() != null && !seen.add(t.target())) {
        tc.add("target", DUPLICATE_TARGET);
      }
      if (t.weight() < 1 || t.weight() > TOTAL_WEIGHT) {
        tc.add("weight", Messages.between(1, TOTAL_WEIGHT));
        weightsValid = false;
      }
      total += t.weight();
    }
    if (weightsValid && !targets.isEmpty() && total != TOTAL_WEIGHT) {
      sc.add("weights must sum to " + TOTAL_WEIGHT + ", got " + total);
    }
    stickyBy(c.at("stickyBy"), split, operation);
  }

  private static void stickyBy(ErrorCollector c, Destination.Split split, OperationKind operation) {
    if (split.stickyBy() == null || split.stickyBy().isEmpty()) {
      if (operation != null && operation != OperationKind.READ) {
        c.add(STICKY_REQUIRED);
      }
    } else if (!Names.isHeaderName(split.stickyBy().get())) {
      c.add(Messages.HEADER_NAME);
    }
  }
}
