package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.KeyValue;
import io.envoyproxy.envoy.config.core.v3.KeyValueAppend;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the index walks and names what it reports; the Gate tests cover the rules themselves. */
class FieldRuleIndexTest {

  @Test
  void everyBrokenElementOfARepeatedField_isReportedAtItsIndex() {
    RouteMatch match = RouteMatch.newBuilder()
        .setPrefix("/")
        .addHeaders(HeaderMatcher.newBuilder().setName("x-ok").setPresentMatch(true))
        .addHeaders(HeaderMatcher.newBuilder().setName("").setPresentMatch(true))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-ok-too").setPresentMatch(true))
        .addHeaders(HeaderMatcher.newBuilder().setName("").setPresentMatch(false))
        .build();

    assertThat(check(match)).containsExactly(
        "RouteMatch/m [9]: headers[1].name breaks Envoy's field rule: length must be at least 1"
            + " but got: 0",
        "RouteMatch/m [9]: headers[3].name breaks Envoy's field rule: length must be at least 1"
            + " but got: 0");
  }

  @Test
  void fieldMarkedSkip_isNotValidated_asEnvoyDoesNot() {
    // KeyValueAppend.entry carries (validate.rules).message.skip; an empty key breaks KeyValue's.
    KeyValueAppend append = KeyValueAppend.newBuilder()
        .setEntry(KeyValue.newBuilder().setKey(""))
        .build();

    assertThat(check(append)).isEmpty();
  }

  private static List<String> check(com.google.protobuf.Message message) {
    List<GateViolation> out = new ArrayList<>();
    FieldRuleIndex.check(message.getDescriptorForType().getName() + "/m", message, out);
    return out.stream().map(GateViolation::toString).toList();
  }
}
