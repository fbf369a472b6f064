package io.paymesh.admin.policy;

import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.xds.inspect.PlanCalculator;
import java.util.ArrayList;
import java.util.List;

/**
 * A write may not leave a group failing the Gate unless it already fails today: the xds-servers
 * would keep sending that group its last good config (or none, for a new service), so the write
 * would silently not take effect there. Groups that already fail are not blamed on the write.
 */
final class GateRule {

  static final String PATH = "gate";

  private GateRule() {}

  static List<ErrorDetail> check(List<PlanCalculator.GroupPlan> plans) {
    List<ErrorDetail> errors = new ArrayList<>();
    for (PlanCalculator.GroupPlan plan : plans) {
      if (!plan.newlyFailing()) {
        continue;
      }
      String group = plan.group().service() + " (" + plan.group().client() + ")";
      plan.violationsAfter().forEach(v -> errors.add(new ErrorDetail(PATH,
          "group " + group + " would fail the Gate: " + v.resource() + " [" + v.invariant() + "]: "
              + v.message())));
    }
    return errors;
  }
}
