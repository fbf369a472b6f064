package io.paymesh.config.codec;

import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.regex.Pattern;

/**
 * Decides which strings toYaml must quote. Jackson's minimal quoting already quotes booleans and
 * nulls ({@code no}, {@code on}, {@code ~}) but leaves number-like strings such as {@code 0x1F},
 * {@code 1_000} or {@code 1e3} bare, which a YAML reader turns into numbers; those are quoted too,
 * so decode(toYaml(r)) gives r back. Durations such as {@code 250ms} stay bare.
 */
final class YamlQuoting extends StringQuotingChecker.Default {
  private static final long serialVersionUID = 1L;
  private static final Pattern NUMBER_LIKE =
      Pattern.compile("[-+]?(\\.?[0-9][0-9a-fA-FxXoObB_.:+-]*|\\.(inf|Inf|INF|nan|NaN|NAN))");

  @Override
  public boolean needToQuoteValue(String value) {
    return super.needToQuoteValue(value) || NUMBER_LIKE.matcher(value).matches();
  }
}
