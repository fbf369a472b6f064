package io.paymesh.xds.translate;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Header matchers in the form a client family reads. Envoy and most gRPC libraries take
 * {@code string_match}; C-core 1.51 NACKs it and reads only the older one-field-per-kind matchers
 * ({@code exact_match}, {@code prefix_match}, ...), which every family still accepts with the same
 * meaning, so those are what such a family gets.
 */
final class HeaderMatchers {
  private HeaderMatchers() {}

  static HeaderMatcher of(String name, StringMatcher match, ClientFamily client) {
    HeaderMatcher.Builder matcher = HeaderMatcher.newBuilder().setName(name);
    if (client.supports(ClientFeature.HEADER_STRING_MATCH)) {
      return matcher.setStringMatch(match).build();
    }
    if (match.getIgnoreCase()) {
      // The older fields have no ignore_case; paymesh never asks for it, so this is a bug.
      throw new IllegalArgumentException("a case-insensitive header match needs string_match");
    }
    switch (match.getMatchPatternCase()) {
      case EXACT -> matcher.setExactMatch(match.getExact());
      case PREFIX -> matcher.setPrefixMatch(match.getPrefix());
      case SUFFIX -> matcher.setSuffixMatch(match.getSuffix());
      case CONTAINS -> matcher.setContainsMatch(match.getContains());
      case SAFE_REGEX -> matcher.setSafeRegexMatch(match.getSafeRegex());
      default -> throw new IllegalArgumentException(
          "no older header matcher for " + match.getMatchPatternCase());
    }
    return matcher.build();
  }
}
