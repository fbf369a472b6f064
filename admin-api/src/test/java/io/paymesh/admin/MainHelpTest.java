package io.paymesh.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.admin.cli.PaymeshCtl;
import io.paymesh.demo.client.DemoClientMain;
import io.paymesh.xds.XdsServerMain;
import io.paymesh.xds.agent.WorkloadAgentMain;
import io.paymesh.xds.demo.DemoBackendMain;
import io.paymesh.xds.identity.LocalCaMain;
import io.paymesh.xds.tools.HealthProbeMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code main} of the project answers {@code --help} with its usage and exit code 0, without
 * a stack trace, each in its own JVM as an operator would start it. The list of mains is checked
 * against the sources, so a new main without this test fails here. (This module's test classpath
 * holds every module.)
 */
class MainHelpTest {

  private static final List<Class<?>> MAINS = List.of(AdminApplication.class, PaymeshCtl.class,
      XdsServerMain.class, WorkloadAgentMain.class, LocalCaMain.class,
      DemoBackendMain.class, HealthProbeMain.class, DemoClientMain.class);

  static List<Class<?>> mains() {
    return MAINS;
  }

  @ParameterizedTest
  @MethodSource("mains")
  void main_answersHelp_withItsUsage_andNoStackTrace(Class<?> main) throws Exception {
    Result help = java(main, "--help");

    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.out().toLowerCase()).as(help.toString()).contains("usage");
    assertThat(help.out() + help.err()).as(help.toString())
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void xdsServer_withAMissingConfiguration_saysSo_inOneLine() throws Exception {
    Result missing = java(XdsServerMain.class, "no-such-config.yaml");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo(
        "cannot read the configuration no-such-config.yaml: no such file\n");
  }

  @Test
  void theListOfMains_isEveryMainInTheSources() throws IOException {
    Set<String> inSources = new TreeSet<>();
    try (Stream<Path> modules = Files.list(Path.of(".."))) {
      for (Path module : modules.toList()) {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(sources)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            if (Files.readString(file).contains("static void main(")) {
              String name = sources.relativize(file).toString();
              inSources.add(name.substring(0, name.length() - ".java".length())
                  .replace(java.io.File.separatorChar, '.'));
            }
          }
        }
      }
    }
    Set<String> tested = new TreeSet<>(MAINS.stream().map(Class::getName).toList());
    assertThat(tested).isEqualTo(inSources);
  }

  private record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private static Result java(Class<?> main, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("main-out", ".txt");
    Path err = Files.createTempFile("main-err", ".txt");
    try {
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(main.getName() + " " + args[0] + " did not exit within 60s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
