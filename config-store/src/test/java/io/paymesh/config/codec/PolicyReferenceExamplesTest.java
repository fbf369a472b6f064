package io.paymesh.config.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example document of every kind in docs/policy-reference.md decodes and is valid. */
class PolicyReferenceExamplesTest {
  // Tests run in the module directory; the docs live at the repository root.
  private static final Path REFERENCE = Path.of("..", "docs", "policy-reference.md");
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(kind: .*?)```", Pattern.DOTALL);
  private static final String PLACEHOLDER = "{...}";

  @Test
  void examples_decodeWithoutErrors_oneForEveryKind() throws Exception {
    Matcher m = YAML_BLOCK.matcher(Files.readString(REFERENCE));
    PolicyCodec codec = new PolicyCodec();
    List<Kind> kinds = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).contains(PLACEHOLDER)) {
        continue; // the envelope sketch, not a document
      }
      PolicyResource resource = codec.decode(m.group(1));
      kinds.add(resource.kind());
    }
    assertThat(kinds).containsExactly(Kind.values());
  }
}
