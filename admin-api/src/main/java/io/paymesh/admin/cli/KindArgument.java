package io.paymesh.admin.cli;

import io.paymesh.config.model.Kind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A kind as an operator types it: {@code routetables}, {@code routetable} or {@code RouteTable}. */
final class KindArgument {

  private KindArgument() {}

  static Kind parse(String text) {
    String wanted = text.toLowerCase(Locale.ROOT);
    return Arrays.stream(Kind.values())
        .filter(k -> k.pathSegment().equals(wanted)
            || k.wireName().toLowerCase(Locale.ROOT).equals(wanted))
        .findFirst()
        .orElseThrow(() -> new CtlException(ExitCodes.USAGE, "unknown kind " + text
            + "; expected one of " + Arrays.stream(Kind.values()).map(Kind::pathSegment)
                .collect(Collectors.joining(", "))));
  }

  static String documentPath(Kind kind, String name) {
    return "v1/" + kind.pathSegment() + "/" + AdminClient.segment(name);
  }
}
