package io.paymesh.config.validation;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Small checks shared by the per-kind validators; each reports at the collector it is given. */
final class Checks {
  private Checks() {}

  static void dnsLabel(ErrorCollector c, String value) {
    if (c.require(value) && !Names.isDnsLabel(value)) {
      c.add(Messages.DNS_LABEL);
    }
  }

  static void dnsName(ErrorCollector c, String value) {
    if (c.require(value) && !Names.isDnsName(value)) {
      c.add(Messages.DNS_NAME);
    }
  }

  static void notEmpty(ErrorCollector c, String value) {
    if (c.require(value) && value.isEmpty()) {
      c.add(Messages.NOT_EMPTY);
    }
  }

  /** Reports {@code required} or {@code must not be empty}; returns whether there is an element. */
  static boolean notEmpty(ErrorCollector c, List<?> values) {
    if (!c.require(values)) {
      return false;
    }
    if (values.isEmpty()) {
      c.add(Messages.NOT_EMPTY);
      return false;
    }
    return true;
  }

  static void positive(ErrorCollector c, int value) {
    if (value <= 0) {
      c.add(Messages.POSITIVE);
    }
  }

  /** Reports unless {@code value} is present and positive; returns whether it is. */
  static boolean positive(ErrorCollector c, Duration value) {
    if (!c.require(value)) {
      return false;
    }
    if (value.isZero() || value.isNegative()) {
      c.add(Messages.POSITIVE);
      return false;
    }
    return true;
  }

  static void between(ErrorCollector c, int value, int min, int max) {
    if (value < min || value > max) {
      c.add(Messages.between(min, max));
    }
  }

  static void port(ErrorCollector c, int value) {
    if (value < 1 || value > 65535) {
      c.add(Messages.PORT_RANGE);
    }
  }

  /** Reports {@code duplicate name} at {@code list[name].name} for the second and later uses. */
  static <T> void uniqueNames(ErrorCollector c, String list, List<T> items, Function<T, String> name) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String n = items.get(i) == null ? null : name.apply(items.get(i));
      if (n != null && !seen.add(n)) {
        c.atElement(list, i, n).add("name", Messages.DUPLICATE_NAME);
      }
    }
  }
}
