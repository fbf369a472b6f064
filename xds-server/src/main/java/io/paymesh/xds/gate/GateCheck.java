package io.paymesh.xds.gate;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;

/** One invariant of the Gate. Checks are pure and report every violation they find. */
interface GateCheck {

  /** The invariant id reported in {@link GateViolation#invariant()}. */
  String invariant();

  List<GateViolation> check(PolicySnapshot snapshot, ProxyGroup group, GroupResources resources);
}
