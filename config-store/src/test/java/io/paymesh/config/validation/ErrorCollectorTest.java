package io.paymesh.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorCollectorTest {

  @Test
  void atElement_whenNamePathSafe_usesNameElseIndex() {
    ErrorCollector c = new ErrorCollector();
    c.atElement("routes", 0, "charge-card").at("retry").add("perTryTimeout", "must be > 0");
    c.atElement("routes", 1, "Bad.Name").add("name", "x");
    c.atElement("routes", 2, null).add("y");
    c.atElement("routes", 3, "").add("z");
    assertThat(c.errors()).extracting(ValidationError::toString).containsExactly(
        "routes[charge-card].retry.perTryTimeout: must be > 0",
        "routes[1].name: x",
        "routes[2]: y",
        "routes[3]: z");
  }

  @Test
  void addAllNested_prefixesPathsAndKeepsRootMessages() {
    ErrorCollector root = new ErrorCollector();
    ErrorCollector c = root.atIndex("documents", 1);
    c.addAllNested(List.of(new ValidationError("name", "required"), new ValidationError("", "bad")));
    assertThat(c.errors()).extracting(ValidationError::toString)
        .containsExactly("documents[1].name: required", "documents[1]: bad");
    assertThat(root.errors()).hasSize(2);
  }
}
